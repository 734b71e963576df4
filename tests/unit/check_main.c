/* Runs every unit suite; CK_RUN_SUITE / CK_RUN_CASE select one. */
#include <stdlib.h>

#include "fc-test.h"

int main(void)
{
    SRunner *sr = srunner_create(make_cursor_suite());
    srunner_add_suite(sr, make_timefmt_suite());
    srunner_add_suite(sr, make_community_id_suite());
    srunner_add_suite(sr, make_csv_suite());
    srunner_add_suite(sr, make_config_suite());
    srunner_add_suite(sr, make_decode_suite());
    srunner_add_suite(sr, make_flow_table_suite());
    srunner_add_suite(sr, make_ipfix_suite());
    srunner_add_suite(sr, make_ip_reasm_suite());
    srunner_add_suite(sr, make_readers_suite());
    srunner_add_suite(sr, make_reasm_suite());
    srunner_add_suite(sr, make_useragent_suite());
    srunner_add_suite(sr, make_tls_hello_suite());
    srunner_add_suite(sr, make_tls_cert_suite());
    srunner_add_suite(sr, make_ssh_kex_suite());
    srunner_add_suite(sr, make_dtls_record_suite());
    srunner_add_suite(sr, make_icmp_quote_suite());
    srunner_add_suite(sr, make_dns_msg_suite());
    srunner_add_suite(sr, make_dns_waiting_suite());
    srunner_add_suite(sr, make_dhcp_msg_suite());
    srunner_add_suite(sr, make_quic_initial_suite());
    srunner_add_suite(sr, make_smb2_msg_suite());
    srunner_add_suite(sr, make_sip_msg_suite());
    srunner_add_suite(sr, make_out_capture_suite());
    srunner_add_suite(sr, make_flow_index_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
