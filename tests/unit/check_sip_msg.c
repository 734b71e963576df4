/*
 * core/sip-msg.c: real messages from the corpus (app/sip-wireshark.pcap),
 * checked against what tshark 4.0.17 reports for them, the RFC 4475 3.1.1.1
 * "short tortuous INVITE" (compact forms, folding, odd spacing, leading
 * zeros), crafted edge cases (compact names, bare LF, keep-alives, several
 * messages in one stream, caps), truncation at every length and overlong
 * lines and heads.
 *
 * Corpus messages are the UDP payload of one frame,
 *   tshark -r app/sip-wireshark.pcap -Y frame.number==N -T fields -e udp.payload
 * written out as C strings; the values asserted come from
 *   tshark -r app/sip-wireshark.pcap -Y frame.number==N -T fields -E separator='|'
 *     -e sip.Method -e sip.r-uri -e sip.Status-Code -e sip.Call-ID -e sip.CSeq
 *     -e sip.From -e sip.To -e sip.Via -e sip.User-Agent -e sip.Content-Length
 *     -e sip.Content-Type -e sip.Contact -e sip.Warning -e udp.length
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sip-msg.h"
#include "fc-test.h"

/* app/sip-wireshark.pcap frame 1 */
static const char register_68[] =
    "REGISTER sip:sip.cybercity.dk SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.168.1.2;branch=z9hG4bKnp151248737-46ea715e192.168.1.2;rport\r\n"
    "From: <sip:voi18063@sip.cybercity.dk>;tag=903df0a\r\n"
    "To: <sip:voi18063@sip.cybercity.dk>\r\n"
    "Call-ID: 578222729-4665d775@578222732-4665d772\r\n"
    "Contact:  <sip:voi18063@192.168.1.2:5060;line=9c7d2dbd8822013c>;expires=1200;q=0.500\r\n"
    "Expires: 1200\r\n"
    "CSeq: 68 REGISTER\r\n"
    "Content-Length: 0\r\n"
    "Max-Forwards: 70\r\n"
    "User-Agent: Nero SIPPS IP Phone Version 2.0.51.16\r\n"
    "\r\n";

/* app/sip-wireshark.pcap frame 26 */
static const char timeout_408[] =
    "SIP/2.0 408 Request Timeout\r\n"
    "Via: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp104984053-44ce4a41192.168.1.2;rport=5060;received=80.230.219.70\r\n"
    "From: \"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9\r\n"
    "To: <sip:97239287044@voip.brujula.net>;tag=a6a1c5f60faecf035a1ae5b6e96e979a-6167\r\n"
    "Call-ID: 105090259-446faf7a@192.168.1.2\r\n"
    "CSeq: 1 INVITE\r\n"
    "Server: Sip EXpress router (0.8.12 (i386/linux))\r\n"
    "Content-Length: 0\r\n"
    "Warning: 392 200.68.120.81:5060 \"Noisy feedback tells:  pid=32753 req_src_ip=80.230.219.70 req_src_port=5060 in_uri=sip:97239287044@voip.brujula.net out_uri=sip:97239287044@voip.brujula.net via_cnt==0\"\r\n"
    "\r\n";

/* app/sip-wireshark.pcap frame 19 */
static const char invite_sdp[] =
    "INVITE sip:97239287044@voip.brujula.net SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp104984053-44ce4a41192.168.1.2;rport\r\n"
    "From: \"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9\r\n"
    "To: <sip:97239287044@voip.brujula.net>\r\n"
    "Call-ID: 105090259-446faf7a@192.168.1.2\r\n"
    "CSeq: 1 INVITE\r\n"
    "User-Agent: Nero SIPPS IP Phone Version 2.0.51.16\r\n"
    "Expires: 120\r\n"
    "Accept: application/sdp\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 272\r\n"
    "Contact: <sip:816666@192.168.1.2>\r\n"
    "Max-Forwards: 70\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, REFER, OPTIONS, NOTIFY, INFO\r\n"
    "\r\n"
    "v=0\r\n"
    "o=SIPPS 105015165 105015162 IN IP4 192.168.1.2\r\n"
    "s=SIP call\r\n"
    "c=IN IP4 192.168.1.2\r\n"
    "t=0 0\r\n"
    "m=audio 30000 RTP/AVP 0 8 97 2 3\r\n"
    "a=rtpmap:0 pcmu/8000\r\n"
    "a=rtpmap:8 pcma/8000\r\n"
    "a=rtpmap:97 iLBC/8000\r\n"
    "a=rtpmap:2 G726-32/8000\r\n"
    "a=rtpmap:3 GSM/8000\r\n"
    "a=fmtp:97 mode=20\r\n"
    "a=sendrecv\r\n";

/* app/sip-wireshark.pcap frame 74 */
static const char progress_183[] =
    "SIP/2.0 183 In band info available\r\n"
    "Allow: UPDATE,REFER\r\n"
    "Call-ID: 11894297-4432a9f8@192.168.1.2\r\n"
    "Contact: <sip:212.242.33.35:5060>\r\n"
    "Content-Type: application/sdp\r\n"
    "CSeq: 2 INVITE\r\n"
    "From: \"arik\" <sip:35104723@sip.cybercity.dk>;tag=b56e6e\r\n"
    "Server: Cirpack/v4.38e (gw_sip)\r\n"
    "To: <sip:35104724@sip.cybercity.dk>;tag=00-04075-1701baa2-2dfdf7c21\r\n"
    "Via: SIP/2.0/UDP 192.168.1.2;received=80.230.219.70;rport=5060;branch=z9hG4bKnp10144774-4725f980192.168.1.2\r\n"
    "Content-Length: 199\r\n"
    "\r\n"
    "v=0\r\n"
    "o=cp10 112047106116 112047106116 IN IP4 212.242.33.75\r\n"
    "s=SIP Call\r\n"
    "c=IN IP4 212.242.33.36\r\n"
    "t=0 0\r\n"
    "m=audio 40392 RTP/AVP 8 0\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:8 PCMA/8000/1\r\n"
    "a=rtpmap:0 PCMU/8000/1\r\n"
    "a=ptime:20\r\n";

/* RFC 4475 3.1.1.1, byte for byte (its body is the 150 bytes announced). */
static const char tortuous[] =
    "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n"
    "TO :\r\n"
    " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
    "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n"
    "  ;\r\n"
    "  tag = 98asjd8\r\n"
    "MaX-fOrWaRdS: 0068\r\n"
    "Call-ID: wsinv.ndaksdj@192.0.2.1\r\n"
    "Content-Length   : 150\r\n"
    "cseq: 0009\r\n"
    "  INVITE\r\n"
    "Via  : SIP  /   2.0\r\n"
    " /UDP\r\n"
    "    192.0.2.2;branch=390skdjuw\r\n"
    "s :\r\n"
    "NewFangledHeader:   newfangled value\r\n"
    " continued newfangled value\r\n"
    "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
    "Content-Type: application/sdp\r\n"
    "Route:\r\n"
    " <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
    "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
    "  branch  =   z9hG4bK9ikj8  ,\r\n"
    " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n"
    " z9hG4bK30239\r\n"
    "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n"
    "      newvalue ;\r\n"
    "  secondparam ; q = 0.33\r\n"
    "\r\n"
    "v=0\r\n"
    "o=mhandley 29739 7272939 IN IP4 192.0.2.3\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.4\r\n"
    "t=0 0\r\n"
    "m=audio 49217 RTP/AVP 0 12\r\n"
    "m=video 3227 RTP/AVP 31\r\n"
    "a=rtpmap:31 LPC\r\n";

static const uint8_t *bytes(const char *s)
{
    return (const uint8_t *)s;
}

/* A value unfolded into a static buffer; "(absent)" when not there. */
static const char *text(struct fc_span v)
{
    static char buf[FC_SIP_LINE_MAX + 1];
    if (!v.p)
        return "(absent)";
    fc_sip_unfold(v, buf, sizeof buf, NULL);
    return buf;
}

static const char *header(const struct fc_sip_msg *m, enum fc_sip_header h)
{
    return text(m->header[h]);
}

static enum fc_sip_status parse_str(const char *s, struct fc_sip_msg *m)
{
    return fc_sip_parse(bytes(s), strlen(s), m);
}

START_TEST(test_register)
{
    struct fc_sip_msg m;
    size_t len = strlen(register_68);
    ck_assert_uint_eq(len, 475 - 8); /* udp.length minus its header */
    ck_assert_int_eq(fc_sip_parse(bytes(register_68), len, &m), FC_SIP_OK);
    ck_assert(m.request);
    ck_assert_str_eq(text(m.method), "REGISTER");
    ck_assert_str_eq(text(m.uri), "sip:sip.cybercity.dk");
    ck_assert_str_eq(text(m.version), "SIP/2.0");
    ck_assert_str_eq(header(&m, FC_SIP_CALL_ID), "578222729-4665d775@578222732-4665d772");
    ck_assert_str_eq(header(&m, FC_SIP_CSEQ), "68 REGISTER");
    ck_assert_str_eq(header(&m, FC_SIP_FROM), "<sip:voi18063@sip.cybercity.dk>;tag=903df0a");
    ck_assert_str_eq(header(&m, FC_SIP_TO), "<sip:voi18063@sip.cybercity.dk>");
    ck_assert_str_eq(header(&m, FC_SIP_CONTACT),
                     "<sip:voi18063@192.168.1.2:5060;line=9c7d2dbd8822013c>;expires=1200;q=0.500");
    ck_assert_str_eq(header(&m, FC_SIP_USER_AGENT), "Nero SIPPS IP Phone Version 2.0.51.16");
    ck_assert_str_eq(header(&m, FC_SIP_CONTENT_TYPE), "(absent)");
    ck_assert_uint_eq(m.vias, 1);
    ck_assert_str_eq(text(m.via[0]),
                     "SIP/2.0/UDP 192.168.1.2;branch=z9hG4bKnp151248737-46ea715e192.168.1.2;rport");
    ck_assert_int_eq(m.content_length, 0);
    ck_assert_uint_eq(m.head_len, len);
    ck_assert_uint_eq(m.body_len, 0);
    ck_assert(!m.body_cut);
    ck_assert_uint_eq(m.bad_lines, 0);
}
END_TEST

START_TEST(test_responses)
{
    struct fc_sip_msg m;
    ck_assert_int_eq(parse_str(timeout_408, &m), FC_SIP_OK);
    ck_assert(!m.request);
    ck_assert_uint_eq(m.status, 408);
    ck_assert_str_eq(text(m.reason), "Request Timeout");
    ck_assert_str_eq(header(&m, FC_SIP_CSEQ), "1 INVITE");
    ck_assert_str_eq(header(&m, FC_SIP_TO),
                     "<sip:97239287044@voip.brujula.net>;tag=a6a1c5f60faecf035a1ae5b6e96e979a-6167");
    ck_assert_str_eq(header(&m, FC_SIP_FROM), "\"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9");
    ck_assert_str_eq(header(&m, FC_SIP_SERVER), "Sip EXpress router (0.8.12 (i386/linux))");
    ck_assert_str_eq(header(&m, FC_SIP_WARNING),
                     "392 200.68.120.81:5060 \"Noisy feedback tells:  pid=32753 "
                     "req_src_ip=80.230.219.70 req_src_port=5060 "
                     "in_uri=sip:97239287044@voip.brujula.net "
                     "out_uri=sip:97239287044@voip.brujula.net via_cnt==0\"");
    ck_assert_uint_eq(strlen(timeout_408), 622 - 8);
    ck_assert_uint_eq(m.head_len, strlen(timeout_408));

    size_t len = strlen(progress_183);
    ck_assert_uint_eq(len, 677 - 8);
    ck_assert_int_eq(parse_str(progress_183, &m), FC_SIP_OK);
    ck_assert_uint_eq(m.status, 183);
    ck_assert_str_eq(text(m.reason), "In band info available");
    ck_assert_str_eq(header(&m, FC_SIP_CONTENT_TYPE), "application/sdp");
    ck_assert_str_eq(header(&m, FC_SIP_CONTACT), "<sip:212.242.33.35:5060>");
    ck_assert_int_eq(m.content_length, 199);
    ck_assert_uint_eq(m.body_len, 199);
    ck_assert_uint_eq(m.head_len + 199, len);
    ck_assert_uint_eq(m.vias, 1);
    ck_assert_str_eq(text(m.via[0]), "SIP/2.0/UDP 192.168.1.2;received=80.230.219.70;rport=5060;"
                                     "branch=z9hG4bKnp10144774-4725f980192.168.1.2");
}
END_TEST

START_TEST(test_invite_body)
{
    struct fc_sip_msg m;
    size_t len = strlen(invite_sdp);
    ck_assert_uint_eq(len, 830 - 8);
    ck_assert_int_eq(fc_sip_parse(bytes(invite_sdp), len, &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "INVITE");
    ck_assert_str_eq(text(m.uri), "sip:97239287044@voip.brujula.net");
    ck_assert_str_eq(header(&m, FC_SIP_CONTENT_TYPE), "application/sdp");
    ck_assert_str_eq(header(&m, FC_SIP_CONTACT), "<sip:816666@192.168.1.2>");
    ck_assert_int_eq(m.content_length, 272);
    ck_assert_uint_eq(m.body_len, 272);
    ck_assert_uint_eq(m.head_len + 272, len);
    ck_assert(memcmp(invite_sdp + m.head_len, "v=0\r\n", 5) == 0);
}
END_TEST

/* RFC 4475 3.1.1.1: "all elements should treat this as a well-formed
 * request". */
START_TEST(test_tortuous)
{
    struct fc_sip_msg m;
    size_t len = strlen(tortuous);
    ck_assert_int_eq(fc_sip_parse(bytes(tortuous), len, &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "INVITE");
    ck_assert_str_eq(text(m.uri), "sip:vivekg@chair-dnrc.example.com;unknownparam");
    ck_assert_str_eq(header(&m, FC_SIP_TO),
                     "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    ck_assert_str_eq(header(&m, FC_SIP_FROM),
                     "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com> ; tag = 98asjd8");
    ck_assert_str_eq(header(&m, FC_SIP_CALL_ID), "wsinv.ndaksdj@192.0.2.1");
    ck_assert_str_eq(header(&m, FC_SIP_CSEQ), "0009 INVITE");
    ck_assert_str_eq(header(&m, FC_SIP_SUBJECT), ""); /* "s :" with an empty value */
    ck_assert_str_eq(header(&m, FC_SIP_CONTENT_TYPE), "application/sdp");
    ck_assert_str_eq(header(&m, FC_SIP_CONTACT), "\"Quoted string \\\"\\\"\" "
                                                 "<sip:jdrosen@example.com> ; newparam = "
                                                 "newvalue ; secondparam ; q = 0.33");
    ck_assert_uint_eq(m.vias, 2);
    ck_assert_str_eq(text(m.via[0]), "SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw");
    ck_assert_str_eq(text(m.via[1]), "SIP  / 2.0  / TCP     spindle.example.com   ; "
                                     "branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  "
                                     "192.168.255.111   ; branch= z9hG4bK30239");
    ck_assert_int_eq(m.content_length, 150);
    ck_assert_uint_eq(m.head_len + 150, len);
    ck_assert_uint_eq(m.body_len, 150);
    ck_assert_uint_eq(m.bad_lines, 0);
}
END_TEST

/* Compact names in either case, blanks before the colon, bare LF line
 * ends, and the first of a repeated header kept. */
START_TEST(test_compact_forms)
{
    static const char msg[] = "MESSAGE sips:bob@example.com SIP/2.0\n"
                              "v: SIP/2.0/TLS a.example.com;branch=z9hG4bK1\n"
                              "V : SIP/2.0/TLS b.example.com;branch=z9hG4bK2\n"
                              "f: <sips:alice@example.com>;tag=1\n"
                              "t:<sips:bob@example.com>\n"
                              "I: c1@example.com\n"
                              "i: c2@example.com\n"
                              "m: <sips:alice@a.example.com>\n"
                              "c: text/plain\n"
                              "S: hello\n"
                              "L: 5\n"
                              "\n"
                              "Hello";
    struct fc_sip_msg m;
    ck_assert_int_eq(parse_str(msg, &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "MESSAGE");
    ck_assert_uint_eq(m.vias, 2);
    ck_assert_str_eq(text(m.via[1]), "SIP/2.0/TLS b.example.com;branch=z9hG4bK2");
    ck_assert_str_eq(header(&m, FC_SIP_FROM), "<sips:alice@example.com>;tag=1");
    ck_assert_str_eq(header(&m, FC_SIP_TO), "<sips:bob@example.com>");
    ck_assert_str_eq(header(&m, FC_SIP_CALL_ID), "c1@example.com");
    ck_assert_str_eq(header(&m, FC_SIP_CONTACT), "<sips:alice@a.example.com>");
    ck_assert_str_eq(header(&m, FC_SIP_CONTENT_TYPE), "text/plain");
    ck_assert_str_eq(header(&m, FC_SIP_SUBJECT), "hello");
    ck_assert_int_eq(m.content_length, 5);
    ck_assert_uint_eq(m.head_len + 5, strlen(msg));
    ck_assert_str_eq(header(&m, FC_SIP_DATE), "(absent)");
}
END_TEST

/* Folding (RFC 3261 7.3.1's Subject example), a folded value that starts
 * on the next line, a fold with tabs, and a continuation line with nothing
 * before it (ignored). */
START_TEST(test_folding)
{
    static const char msg[] = "OPTIONS sip:carol@chicago.com SIP/2.0\r\n"
                              " stray continuation\r\n"
                              "Subject: I know you're there,\r\n"
                              "         pick up the phone   \r\n"
                              "\t\tand talk to me!\r\n"
                              "Date:\r\n"
                              "  Sat, 13 Nov 2010 23:29:00 GMT\r\n"
                              "Reply-To: Bob <sip:bob@biloxi.com>\r\n"
                              "bad line without colon\r\n"
                              "\r\n";
    struct fc_sip_msg m;
    ck_assert_int_eq(parse_str(msg, &m), FC_SIP_OK);
    ck_assert_str_eq(header(&m, FC_SIP_SUBJECT),
                     "I know you're there, pick up the phone and talk to me!");
    ck_assert_str_eq(header(&m, FC_SIP_DATE), "Sat, 13 Nov 2010 23:29:00 GMT");
    ck_assert_str_eq(header(&m, FC_SIP_REPLY_TO), "Bob <sip:bob@biloxi.com>");
    ck_assert_uint_eq(m.bad_lines, 1);
    ck_assert_int_eq(m.content_length, -1);
    ck_assert(!m.bad_length);
    ck_assert_uint_eq(m.head_len, strlen(msg));
}
END_TEST

/* CRLF keep-alives before a message are part of its head; a TCP stream of
 * two messages is read one after the other. */
START_TEST(test_stream)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "\r\n\r\n%s%s", invite_sdp, register_68);
    ck_assert_int_lt(n, (int)sizeof buf);
    struct fc_sip_msg m;
    ck_assert_int_eq(fc_sip_parse(bytes(buf), (size_t)n, &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "INVITE");
    size_t next = m.head_len + (size_t)m.content_length;
    ck_assert_uint_eq(next, 4 + strlen(invite_sdp));
    ck_assert_uint_eq(m.body_len, 272);
    ck_assert_int_eq(fc_sip_parse(bytes(buf) + next, (size_t)n - next, &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "REGISTER");
    ck_assert_uint_eq(next + m.head_len, (size_t)n);
    /* Only keep-alives: a head still to come. */
    ck_assert_int_eq(parse_str("\r\n\r\n", &m), FC_SIP_TRUNCATED);
}
END_TEST

/* Every prefix shorter than the head is TRUNCATED; one that cuts the body
 * is OK with body_cut. */
START_TEST(test_truncation)
{
    const char *msgs[] = { register_68, timeout_408, invite_sdp, progress_183, tortuous };
    for (size_t k = 0; k < sizeof msgs / sizeof msgs[0]; k++) {
        size_t len = strlen(msgs[k]);
        struct fc_sip_msg whole, m;
        ck_assert_int_eq(fc_sip_parse(bytes(msgs[k]), len, &whole), FC_SIP_OK);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
            memcpy(copy, msgs[k], cut);
            enum fc_sip_status s = fc_sip_parse(copy, cut, &m);
            if (cut < whole.head_len) {
                ck_assert_msg(s == FC_SIP_TRUNCATED, "message %zu cut at %zu: %d", k, cut, s);
            } else {
                ck_assert_int_eq(s, FC_SIP_OK);
                ck_assert(m.body_cut);
                ck_assert_uint_eq(m.body_len, cut - whole.head_len);
            }
            free(copy);
        }
    }
}
END_TEST

static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

/* A line over the cap is TOO_LONG whether its end is there or not; so is
 * a head over FC_SIP_HEAD_MAX made of short lines. A line at the cap is
 * fine. */
START_TEST(test_overlong)
{
    struct fc_sip_msg m;
    char *a = repeat('a', FC_SIP_LINE_MAX + 100);
    char *buf = malloc(FC_SIP_HEAD_MAX * 2);
    static const char start[] = "INVITE sip:x@example.com SIP/2.0\r\n";

    /* A header line of FC_SIP_LINE_MAX bytes, then one longer. */
    size_t value = FC_SIP_LINE_MAX - strlen("Subject: ");
    int n = sprintf(buf, "%sSubject: %.*s\r\n\r\n", start, (int)value, a);
    ck_assert_int_eq(fc_sip_parse(bytes(buf), (size_t)n, &m), FC_SIP_OK);
    ck_assert_uint_eq(strlen(header(&m, FC_SIP_SUBJECT)), value);
    n = sprintf(buf, "%sSubject: %.*s\r\n\r\n", start, (int)value + 1, a);
    ck_assert_int_eq(fc_sip_parse(bytes(buf), (size_t)n, &m), FC_SIP_TOO_LONG);
    /* The same without its line end: already too long. */
    ck_assert_int_eq(fc_sip_parse(bytes(buf), strlen(start) + FC_SIP_LINE_MAX + 1, &m),
                     FC_SIP_TOO_LONG);
    /* A start line over the cap. */
    n = sprintf(buf, "INVITE sip:%s SIP/2.0\r\n\r\n", a);
    ck_assert_int_eq(fc_sip_parse(bytes(buf), (size_t)n, &m), FC_SIP_TOO_LONG);

    /* Short lines adding up past the head cap. */
    size_t len = (size_t)sprintf(buf, "%s", start);
    while (len < FC_SIP_HEAD_MAX + 100)
        len += (size_t)sprintf(buf + len, "X-Filler: %.60s\r\n", a);
    ck_assert_int_eq(fc_sip_parse(bytes(buf), len, &m), FC_SIP_TOO_LONG);
    len += (size_t)sprintf(buf + len, "\r\n");
    ck_assert_int_eq(fc_sip_parse(bytes(buf), len, &m), FC_SIP_TOO_LONG);
    free(buf);
    free(a);
}
END_TEST

START_TEST(test_bad_start_lines)
{
    static const char *const bad[] = {
        "HTTP/1.1 200 OK\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "INVITE sip:a@b SIP/2.0 extra\r\n\r\n",
        "INVITE nocolon SIP/2.0\r\n\r\n",
        "INVITE sip:a@b\r\n\r\n",
        "INV@TE sip:a@b SIP/2.0\r\n\r\n",
        "SIP/2.0 99 Too Low\r\n\r\n",
        "SIP/2.0 700 Too High\r\n\r\n",
        "SIP/2.0 20x Bad\r\n\r\n",
        "SIP/2. 200 OK\r\n\r\n",
        "SIP/2.0  200 OK\r\n\r\n",
        " INVITE sip:a@b SIP/2.0\r\n\r\n",
        "A-METHOD-NAME-OF-SIXTY-FIVE-CHARACTERS-WHICH-IS-OVER-THE-CAP-OF-6 sip:a@b SIP/2.0\r\n\r\n",
    };
    struct fc_sip_msg m;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(parse_str(bad[i], &m) == FC_SIP_BAD, "%s", bad[i]);
    /* Accepted: no reason phrase, lower-case "sip", an unknown method
     * (RFC 4475 3.1.1.2's characters), a tel: URI. */
    ck_assert_int_eq(parse_str("SIP/2.0 200\r\n\r\n", &m), FC_SIP_OK);
    ck_assert_uint_eq(m.status, 200);
    ck_assert_str_eq(text(m.reason), "");
    ck_assert_int_eq(parse_str("sip/2.0 180 Ringing\r\n\r\n", &m), FC_SIP_OK);
    ck_assert_int_eq(parse_str("!interesting-Method0123456789_*+`.%indeed'~ sip:a@b SIP/2.0\r\n\r\n",
                               &m), FC_SIP_OK);
    ck_assert_str_eq(text(m.method), "!interesting-Method0123456789_*+`.%indeed'~");
    ck_assert_int_eq(parse_str("INVITE tel:+1-201-555-0123 SIP/2.0\r\n\r\n", &m), FC_SIP_OK);
}
END_TEST

/* Via lines past the cap are counted; a Content-Length that is not a
 * number is flagged; a body without Content-Length runs to the end. */
START_TEST(test_caps_and_lengths)
{
    char buf[4096];
    size_t len = (size_t)sprintf(buf, "BYE sip:a@b SIP/2.0\r\n");
    for (unsigned i = 0; i < FC_SIP_VIA_MAX + 4; i++)
        len += (size_t)sprintf(buf + len, "Via: SIP/2.0/UDP h%u\r\n", i);
    len += (size_t)sprintf(buf + len, "Content-Length: 12x\r\n\r\nbody");
    struct fc_sip_msg m;
    ck_assert_int_eq(fc_sip_parse(bytes(buf), len, &m), FC_SIP_OK);
    ck_assert_uint_eq(m.vias, FC_SIP_VIA_MAX);
    ck_assert_uint_eq(m.vias_dropped, 4);
    ck_assert_str_eq(text(m.via[FC_SIP_VIA_MAX - 1]), "SIP/2.0/UDP h15");
    ck_assert(m.bad_length);
    ck_assert_int_eq(m.content_length, -1);
    ck_assert_uint_eq(m.body_len, 4);
    ck_assert(!m.body_cut);

    ck_assert_int_eq(parse_str("BYE sip:a@b SIP/2.0\r\nl: 0000000000000000001\r\n\r\n", &m),
                     FC_SIP_OK);
    ck_assert(m.bad_length); /* 19 digits: over what is read */
    ck_assert_int_eq(parse_str("BYE sip:a@b SIP/2.0\r\nl:  007 \r\n\r\n1234567", &m), FC_SIP_OK);
    ck_assert_int_eq(m.content_length, 7);
}
END_TEST

START_TEST(test_unfold_cap)
{
    static const char v[] = "abc  \r\n  def\r\n\tghi";
    struct fc_span s = { bytes(v), strlen(v) };
    char out[16];
    bool cut;
    ck_assert_uint_eq(fc_sip_unfold(s, out, sizeof out, &cut), 11);
    ck_assert_str_eq(out, "abc def ghi");
    ck_assert(!cut);
    ck_assert_uint_eq(fc_sip_unfold(s, out, 6, &cut), 5);
    ck_assert_str_eq(out, "abc d");
    ck_assert(cut);
    ck_assert_uint_eq(fc_sip_unfold((struct fc_span){ NULL, 0 }, out, 1, &cut), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

Suite *make_sip_msg_suite(void)
{
    Suite *s = suite_create("sip_msg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_register);
    tcase_add_test(tc, test_responses);
    tcase_add_test(tc, test_invite_body);
    tcase_add_test(tc, test_tortuous);
    tcase_add_test(tc, test_compact_forms);
    tcase_add_test(tc, test_folding);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_truncation);
    tcase_add_test(tc, test_overlong);
    tcase_add_test(tc, test_bad_start_lines);
    tcase_add_test(tc, test_caps_and_lengths);
    tcase_add_test(tc, test_unfold_cap);
    suite_add_tcase(s, tc);
    return s;
}
