"""Crafts the DHCP messages of tests/unit/check_dhcp_msg.c (the c_* arrays).

Run with python3-scapy (Debian package): writes crafted.pcap, to check the
messages with `tshark -r crafted.pcap -O dhcp,dhcpv6`, and crafted.txt, one
"name hex" line per message, from which the arrays were made.
"""
from scapy.all import *
from scapy.layers.dhcp6 import *
import sys
COOKIE = b"c\x82Sc"
MAC = "00:11:22:33:44:55"
def bootp(opts, **kw):
    return BOOTP(op=1, xid=0x01020304, chaddr=mac2str(MAC), options=COOKIE + opts, **kw)
v4 = {}
v4['fqdn_wire'] = bootp(bytes([53,1,3, 12,4]) + b"host" + bytes([81, 3+18, 0x05, 0, 0]) + b"\x04host\x07example\x03com\x00" + bytes([61,7,1]) + mac2str(MAC) + b"\xff")
v4['fqdn_ascii'] = bootp(bytes([53,1,1, 81, 3+16, 0x01, 0, 0]) + b"host.example.com" + b"\xff")
# options field: 53, 52=3, 12 "lo"; file: 12 "ng-name", 15 "file.example"; sname: 56 "from-sname"
v4['overload'] = bootp(bytes([53,1,1, 52,1,3, 12,2]) + b"lo" + b"\xff",
    file=bytes([12,7]) + b"ng-name" + bytes([15,12]) + b"file.example" + b"\xff",
    sname=bytes([56,10]) + b"from-sname" + b"\xff")
v4['overload_bad'] = bootp(bytes([53,1,1, 52,1,1, 12,4]) + b"host" + b"\xff",
    file=bytes([12,200]) + b"x"*126)
v4['split_prl'] = bootp(bytes([53,1,1, 55,2,1,3, 12,5]) + b"split" + bytes([55,2,6,15]) + b"\xff")
v4['empty_host'] = bootp(bytes([53,1,1, 12,0, 50,4,10,0,0,5]) + b"\xff")
v4['odd_host'] = bootp(bytes([53,1,1, 12,8]) + b"ho\x01st\\\xff\x00" + b"\xff")
v4['bootp'] = BOOTP(op=2, xid=0xabcdef01, yiaddr="10.0.0.5", chaddr=mac2str(MAC), options=b"\x00"*64)

def duid_llt(): return DUID_LLT(hwtype=1, timeval=0x2a2b2c2d, lladdr=MAC)
sol = (DHCP6_Solicit(trid=0x123456) / DHCP6OptClientId(duid=duid_llt()) / DHCP6OptElapsedTime(elapsedtime=250)
       / DHCP6OptOptReq(reqopts=[23,24,39]) / DHCP6OptClientFQDN(flags=1, fqdn="client.example.com.")
       / DHCP6OptIA_NA(iaid=1, T1=0, T2=0, ianaopts=[DHCP6OptIAAddress(addr="2001:db8:1::100", preflft=0, validlft=0)]))
v6 = {}
v6['relay_forw'] = DHCP6_RelayForward(hopcount=1, linkaddr="2001:db8:1::1", peeraddr="fe80::211:22ff:fe33:4455") / DHCP6OptIfaceId(ifaceid=b"eth0") / DHCP6OptRelayMsg(message=sol)
rep = (DHCP6_Reply(trid=0xabcdef) / DHCP6OptServerId(duid=DUID_LL(hwtype=1, lladdr="02:00:00:00:00:01"))
       / DHCP6OptClientId(duid=duid_llt())
       / DHCP6OptIA_NA(iaid=1, T1=1800, T2=2880, ianaopts=[DHCP6OptIAAddress(addr="2001:db8:1::100", preflft=3600, validlft=7200)])
       / DHCP6OptIA_TA(iaid=2, iataopts=[DHCP6OptIAAddress(addr="2001:db8:1::200", preflft=600, validlft=900)])
       / DHCP6OptIA_PD(iaid=3, T1=100, T2=200, iapdopt=[DHCP6OptIAPrefix(prefix="2001:db8:100::", plen=56, preflft=1000, validlft=2000)])
       / DHCP6OptVendorClass(enterprisenum=4491, vcdata=[VENDOR_CLASS_DATA(data=b"docsis3.0"), VENDOR_CLASS_DATA(data=b"a,b")])
       / DHCP6OptStatusCode(statuscode=0, statusmsg="ok"))
v6['relay_repl'] = DHCP6_RelayReply(hopcount=0, linkaddr="2001:db8:1::1", peeraddr="fe80::211:22ff:fe33:4455") / DHCP6OptRelayMsg(message=rep)

pk = []
for k, p in v4.items():
    pk.append(Ether(src=MAC)/IP(src="0.0.0.0", dst="255.255.255.255")/UDP(sport=68, dport=67)/p)
for k, p in v6.items():
    pk.append(Ether(src=MAC)/IPv6(src="2001:db8:1::1", dst="2001:db8::2")/UDP(sport=547, dport=547)/p)
wrpcap("crafted.pcap", pk)
with open("crafted.txt", "w") as f:
    for k, p in list(v4.items()) + list(v6.items()):
        f.write("%s %s\n" % (k, bytes(p).hex()))
