/* Suites of the unit test runner (one per module, as in check's own tests). */
#ifndef FC_TEST_H
#define FC_TEST_H

#include <check.h>

Suite *make_community_id_suite(void);
Suite *make_config_suite(void);
Suite *make_csv_suite(void);
Suite *make_cursor_suite(void);
Suite *make_decode_suite(void);
Suite *make_dhcp_msg_suite(void);
Suite *make_dns_msg_suite(void);
Suite *make_dns_waiting_suite(void);
Suite *make_dtls_record_suite(void);
Suite *make_flow_index_suite(void);
Suite *make_flow_table_suite(void);
Suite *make_icmp_quote_suite(void);
Suite *make_ipfix_suite(void);
Suite *make_ip_reasm_suite(void);
Suite *make_reasm_suite(void);
Suite *make_out_capture_suite(void);
Suite *make_quic_initial_suite(void);
Suite *make_readers_suite(void);
Suite *make_timefmt_suite(void);
Suite *make_smb2_msg_suite(void);
Suite *make_sip_msg_suite(void);
Suite *make_ssh_kex_suite(void);
Suite *make_tls_cert_suite(void);
Suite *make_tls_hello_suite(void);
Suite *make_useragent_suite(void);

#endif
