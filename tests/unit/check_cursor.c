/* core/cursor.h: reads stay inside the buffer and shortness is sticky. */
#include "core/cursor.h"
#include "fc-test.h"

START_TEST(reads_big_and_little_endian)
{
    const uint8_t b[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
    struct fc_cursor c = fc_cursor_make(b, sizeof b);
    ck_assert_uint_eq(fc_get_be16(&c), 0x1234);
    ck_assert_uint_eq(fc_get_le32(&c), 0xbc9a7856u);
    ck_assert(!c.short_read);
    ck_assert_uint_eq(fc_cursor_left(&c), 0);
    c = fc_cursor_make(b, sizeof b);
    ck_assert_uint_eq(fc_get_be32(&c), 0x12345678u);
    ck_assert_uint_eq(fc_get_le16(&c), 0xbc9a);
}
END_TEST

START_TEST(short_read_is_sticky_and_returns_zero)
{
    const uint8_t b[] = { 0xff, 0xff, 0xff };
    struct fc_cursor c = fc_cursor_make(b, sizeof b);
    ck_assert_uint_eq(fc_get_be32(&c), 0);
    ck_assert(c.short_read);
    /* Once short, every later read gives 0 even if it would have fitted. */
    ck_assert_uint_eq(fc_get_u8(&c), 0);
    ck_assert_ptr_eq(c.p, c.end);
}
END_TEST

START_TEST(take_and_copy_respect_the_end)
{
    const uint8_t b[] = { 1, 2, 3, 4 };
    struct fc_cursor c = fc_cursor_make(b, sizeof b);
    ck_assert_ptr_eq(fc_cursor_take(&c, 2), b);
    uint8_t out[4] = { 9, 9, 9, 9 };
    fc_get_bytes(&c, out, 4);
    ck_assert(c.short_read);
    ck_assert_uint_eq(out[0] | out[1] | out[2] | out[3], 0);
}
END_TEST

START_TEST(either_byte_order_for_capture_headers)
{
    const uint8_t b[] = { 0x0a, 0x0b, 0x0c, 0x0d };
    struct fc_cursor c = fc_cursor_make(b, 4);
    ck_assert_uint_eq(fc_get_32(&c, true), 0x0a0b0c0du);
    c = fc_cursor_make(b, 4);
    ck_assert_uint_eq(fc_get_32(&c, false), 0x0d0c0b0au);
}
END_TEST

Suite *make_cursor_suite(void)
{
    Suite *s = suite_create("cursor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reads_big_and_little_endian);
    tcase_add_test(tc, short_read_is_sticky_and_returns_zero);
    tcase_add_test(tc, take_and_copy_respect_the_end);
    tcase_add_test(tc, either_byte_order_for_capture_headers);
    suite_add_tcase(s, tc);
    return s;
}
