// The decoders behind SEARCH and the full-text index: RFC 2047 words,
// RFC 2231 values, quoted-printable, base64, charsets, HTML and dates.
#include <doctest/doctest.h>

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>

#include <iterator>
#include <string>

#include "store/charset_convert.h"
#include "store/decode_rfc2047.h"
#include "store/decode_transfer.h"
#include "store/header_content.h"
#include "store/header_date.h"
#include "store/html_text.h"
#include "store/message_analysis.h"
#include "store/unicode_casemap.h"

namespace vellum::store {
namespace {

TEST_CASE("RFC 2047: B and Q words in several charsets, to UTF-8") {
    CHECK(decode_encoded_words("=?utf-8?B?w6k=?=") == "\xc3\xa9");
    CHECK(decode_encoded_words("=?ISO-8859-1?Q?Caf=E9_cr=E8me?=") == "Caf\xc3\xa9 cr\xc3\xa8me");
    CHECK(decode_encoded_words("=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=") ==
          "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");  // テスト
    CHECK(decode_encoded_words("=?windows-1252?q?=80?=") == "\xe2\x82\xac");
    // RFC 2231 5: a language after '*'.
    CHECK(decode_encoded_words("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore");
}

TEST_CASE("RFC 2047 6.2: whitespace between adjacent encoded words goes, other text stays") {
    CHECK(decode_encoded_words("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab");
    CHECK(decode_encoded_words("=?utf-8?q?a?=\r\n =?utf-8?q?b?=") == "ab");
    CHECK(decode_encoded_words("x =?utf-8?q?a?= y") == "x a y");
    CHECK(decode_encoded_words("=?utf-8?q?a?= and =?utf-8?q?b?=") == "a and b");
}

TEST_CASE("broken encoded words are kept as text; unknown charsets fall back") {
    CHECK(decode_encoded_words("=?utf-8?x?abc?=") == "=?utf-8?x?abc?=");
    CHECK(decode_encoded_words("=?utf-8?q?a b?=") == "=?utf-8?q?a b?=");
    CHECK(decode_encoded_words("=?utf-8?q?unterminated") == "=?utf-8?q?unterminated");
    CHECK(decode_encoded_words("=?x-no-such-charset?q?caf=E9?=") == "caf\xc3\xa9");
    // Raw 8-bit header text: UTF-8 kept, anything else read as Latin-1.
    CHECK(decode_encoded_words("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(decode_encoded_words("caf\xe9") == "caf\xc3\xa9");
}

TEST_CASE("RFC 2231: continuations joined, extended values decoded") {
    auto parameters =
        parse_parameters("; filename*0*=utf-8''%E2%82%AC; filename*1=\" rate.pdf\"; name=x");
    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0].name == "name");
    CHECK(parameters[1].name == "filename*");
    CHECK(parameters[1].value == "utf-8''%E2%82%AC rate.pdf");
    CHECK(decode_rfc2231_value(parameters[1].value) == "\xe2\x82\xac rate.pdf");
    CHECK(decode_rfc2231_value("iso-8859-1'en'%E9t%E9") == "\xc3\xa9t\xc3\xa9");
}

TEST_CASE("RFC 2231: sections with a gap are listed one by one, as Dovecot does") {
    auto parameters = parse_parameters("; f*0=a; f*2=c");
    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0].name == "f*0");
    CHECK(parameters[1].name == "f*2");
}

TEST_CASE("quoted-printable: soft breaks, hex, transport padding; CRLF kept") {
    CHECK(decode_quoted_printable("caf=E9 =\r\nau lait\r\n") == "caf\xe9 au lait\r\n");
    CHECK(decode_quoted_printable("a=3Db  \r\nc\n") == "a=b\r\nc\n");
    CHECK(decode_quoted_printable("lower =e9") == "lower \xe9");
    CHECK(decode_quoted_printable("bad =ZZ and =") == "bad =ZZ and ");
    CHECK(decode_quoted_printable("=\n") == "");
}

TEST_CASE("base64: our decoder agrees with mimetic's, and skips what is not base64") {
    const std::string samples[] = {"",     "f",     "fo",     "foo",
                                   "foob", "fooba", "foobar", std::string("\0\xff\x80 binary", 10)};
    for (const std::string& sample : samples) {
        std::string encoded;
        mimetic::Base64::Encoder encoder;
        mimetic::encode(sample.begin(), sample.end(), encoder, std::back_inserter(encoded));
        CHECK(decode_base64(encoded) == sample);
        std::string decoded_by_mimetic;
        mimetic::Base64::Decoder decoder;
        mimetic::decode(encoded.begin(), encoded.end(), decoder,
                        std::back_inserter(decoded_by_mimetic));
        CHECK(decoded_by_mimetic == sample);
    }
    CHECK(decode_base64("Zm9v\r\nYmFy\r\n") == "foobar");
    CHECK(decode_base64("Zm9v!!YmFy") == "foobar");
    CHECK(decode_base64("Zm9vYg==garbage") == "foob");
}

TEST_CASE("charset conversion never fails") {
    CHECK(to_utf8("caf\xe9", "iso-8859-1") == "caf\xc3\xa9");
    CHECK(to_utf8("caf\xe9", "no-such-charset") == "caf\xc3\xa9");
    CHECK(to_utf8("ok \xff\xfe bad", "utf-8") == "ok \xc3\xbf\xc3\xbe bad");
    CHECK(to_utf8("+AOk-", "utf-7") == "\xc3\xa9");
    // Invalid bytes for the declared charset are dropped.
    CHECK(to_utf8("a\x81"
                  "b",
                  "shift_jis")
              .find('a') != std::string::npos);
}

TEST_CASE("HTML to text: tags, script and style dropped, entities decoded") {
    CHECK(html_to_text("<p>Hello&nbsp;<b>world</b> &amp; &#233;&#x20AC;</p>") ==
          "\nHello\xc2\xa0world & \xc3\xa9\xe2\x82\xac\n");
    CHECK(html_to_text("a<script>var x = '<p>';</script>b<style>p{}</style>c") == "abc");
    CHECK(html_to_text("<!-- hidden -->shown") == "shown");
    CHECK(html_to_text("1 < 2 &unknown; &") == "1 < 2 &unknown; &");
    CHECK(html_to_text("<SCRIPT>x</SCRIPT>y") == "y");
}

TEST_CASE("dates: RFC 5322 and the obsolete forms, to UTC with the zone") {
    auto date = parse_rfc5322_date("Thu, 13 Feb 1969 23:32:54 -0330");
    REQUIRE(date);
    CHECK(date->utc_seconds == -27723426);  // 1969-02-14 03:02:54 UTC
    CHECK(date->zone_minutes == -210);
    date = parse_rfc5322_date("1 Jan 70 00:00 GMT");
    REQUIRE(date);
    CHECK(date->utc_seconds == 0);
    date = parse_rfc5322_date("Mon, 1 Jan 2001 10:00:00 EST (Eastern)");
    REQUIRE(date);
    CHECK(date->utc_seconds == 978361200);
    CHECK(date->zone_minutes == -300);
    date = parse_rfc5322_date("Fri, 21 Nov 1997 09:55:06 +0600");
    REQUIRE(date);
    CHECK(date->utc_seconds == 880084506);
    CHECK_FALSE(parse_rfc5322_date("not a date"));
    CHECK_FALSE(parse_rfc5322_date("32 Jan 2001 10:00"));
}

TEST_CASE("search fields and text of a whole message") {
    std::string raw =
        "From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\n"
        "To: a@b.c\r\nSubject: =?iso-8859-1?q?R=E9sum=E9?=\r\n"
        "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <m@x>\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=E9</p>\r\n"
        "--b\r\nContent-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n";
    MessageAnalysis analysis = analyze_message(raw);
    CHECK(analysis.fields.from == "J\xc3\xb6rg <j@example.org>");
    CHECK(analysis.fields.subject == "R\xc3\xa9sum\xc3\xa9");
    CHECK(analysis.fields.message_id == "<m@x>");
    REQUIRE(analysis.fields.date);
    CHECK(*analysis.fields.date == 1057049557);
    CHECK(analysis.fields.date_zone_minutes == 120);
    CHECK(analysis.text.find("caf\xc3\xa9") != std::string::npos);
    CHECK(analysis.text.find("<p>") == std::string::npos);
    CHECK(analysis.text.find("\xe2\x82\xac.pdf") != std::string::npos);
    CHECK(analysis.text.find("%PDF") == std::string::npos);  // not a text part
    CHECK(analysis.text.find("Subject: R\xc3\xa9sum\xc3\xa9") != std::string::npos);
}

TEST_CASE("of two Subject fields, the search fields keep the last, as ENVELOPE does") {
    MessageAnalysis analysis =
        analyze_message("Subject: first\r\nSubject: =?utf-8?q?l=C3=A4st?=\r\n\r\n");
    CHECK(analysis.fields.subject == "l\xc3\xa4st");
    REQUIRE(analysis.root.envelope);
    CHECK(analysis.root.envelope->subject == "=?utf-8?q?l=C3=A4st?=");
}

TEST_CASE("the text holds every header, message/* parts, and no part of unknown encoding") {
    std::string raw =
        "Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\nContent-Description: first part\r\n\r\none\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n"
        "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
        "uuencoded\r\n"
        "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8 bit\r\n\r\n"
        "unreadable\r\n"
        "--b--\r\n";
    MessageAnalysis analysis = analyze_message(raw);
    // A MIME part's header is in the message's body (RFC 3501 6.4.4 TEXT).
    CHECK(analysis.text.find("Content-Description: first part") != std::string::npos);
    CHECK(analysis.text.find("one") != std::string::npos);
    CHECK(analysis.text.find("Status: 5.1.1") != std::string::npos);
    // RFC 2045 6.4: an unknown encoding, or a field naming none, is opaque.
    CHECK(analysis.text.find("uuencoded") == std::string::npos);
    CHECK(analysis.text.find("unreadable") == std::string::npos);
}

TEST_CASE("a multipart whose boundary never comes is all preamble: not in the text") {
    // The header runs into the first part's, so no boundary line follows;
    // RFC 2046 5.1.1: readers "must ignore anything that appears before the
    // first boundary delimiter line".
    std::string raw =
        "Subject: s\r\nContent-Type: multipart/alternative;\r\n boundary=\"--b\"\r\n"
        "----b\r\nContent-Type: text/plain\r\n\r\nGood day\r\n";
    MessageAnalysis analysis = analyze_message(raw);
    REQUIRE(analysis.root.children.empty());
    CHECK(analysis.text.find("Good day") == std::string::npos);
    CHECK(analysis.text.find("Subject: s") != std::string::npos);
}

}  // namespace
}  // namespace vellum::store

namespace vellum::store {
TEST_CASE("i;unicode-casemap: title case, then every decomposition (RFC 5051 2)") {
    CHECK(unicode_casemap("abc XYZ 09") == "ABC XYZ 09");
    // RFC 5051's own example: U+01C4 titlecases to U+01C5, which decomposes
    // to D, z, U+030C.
    CHECK(unicode_casemap("\xc7\x84") == "Dz\xcc\x8c");
    CHECK(unicode_casemap("S\xc3\xa4ying") == "SA\xcc\x88YING");
    // U+FB01 has no title case of its own; its compatibility decomposition
    // is not title-cased again.
    CHECK(unicode_casemap("\xef\xac\x81") == "fi");
    CHECK(unicode_casemap("\xce\xb1\xce\xb2") == "\xce\x91\xce\x92");  // Greek
    CHECK(unicode_casemap("\xea\xb0\x80") == "\xea\xb0\x80");  // Hangul: no decomposition property
    // Not valid UTF-8 (a lone continuation byte, an overlong "/"): unchanged,
    // for the octet comparator.
    CHECK(unicode_casemap("ab\x80") == "ab\x80");
    CHECK(unicode_casemap("a\xc0\xaf") == "a\xc0\xaf");
}

}  // namespace vellum::store
