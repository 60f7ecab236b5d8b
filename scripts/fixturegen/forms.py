"""Residence forms as printed under Thông tư 66/2023/TT-BCA: CT01 (Tờ khai
thay đổi thông tin cư trú) and CT07 (Xác nhận thông tin về cư trú) with every
12-digit personal ID number written in a comb of 12 boxes, and a page listing
the household members in a ruled table. Blocks for layout.py (see content.py);
"comb" and "table" blocks are drawn by ruled.py."""

from .content import (BOLD, BOLD_CENTER, CENTER, MOTTO, NATIONAL, SIGN, SIGN_BOLD, date_line,
                      fields, member_row)

# Member table columns (mm, scaled to the text width): No., name, birth date, sex,
# relation, ID number.
MEMBER_WIDTHS = [10, 52, 25, 17, 22, 36]
MEMBER_HEADER = ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ", "Số định danh"]


def ct01_page(ctx, rng):
    p, head = ctx["place"], ctx["members"][0]
    applicant = ctx["members"][rng.choice([0, 1])]
    return [
        ("line", "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA", {}),
        ("line", NATIONAL, BOLD_CENTER), ("line", MOTTO, BOLD_CENTER), ("space", 0.8),
        ("line", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", BOLD_CENTER), ("space", 0.4),
        ("line", f"Kính gửi: Công an {p['ward']}", CENTER), ("space", 0.4),
        ("line", f"1. Họ, chữ đệm và tên: {applicant['NAME']}", {}),
        ("line", f"2. Ngày, tháng, năm sinh: {applicant['dob']}", {}),
        ("line", f"3. Giới tính: {applicant['sex']}", {}),
        ("comb", "4. Số định danh cá nhân:", applicant["id"]),
        ("line", f"5. Số điện thoại liên hệ: {ctx['phone']}", {}),
        ("wrap", f"6. Nơi cư trú: {p['address']}", {"hang": 6}),
        ("line", f"7. Họ, chữ đệm và tên chủ hộ: {head['NAME']}", {}),
        ("line", f"8. Quan hệ với chủ hộ: {applicant['rel']}", {}),
        ("comb", "9. Số định danh của chủ hộ:", head["id"]),
        ("wrap", "10. Nội dung đề nghị: Đăng ký thường trú vào hộ gia đình.", {"hang": 6}),
        ("space", 0.6),
        ("line", date_line(p, ctx["date"]), SIGN),
        ("line", "NGƯỜI KÊ KHAI", SIGN_BOLD),
        ("space", 2),
        ("line", applicant["name"], SIGN),
        # 6. Nơi cư trú is no field of the CT01 definition.
        fields("ct01", name=applicant["name"], dob=applicant["dob"], gender=applicant["sex"],
               id_number=applicant["id"], phone=ctx["phone"], head_of_household=head["name"],
               relation_to_head=applicant["rel"], head_id_number=head["id"],
               request="Đăng ký thường trú vào hộ gia đình"),
    ]


def ct07_page(ctx, rng):
    p, who = ctx["place"], ctx["members"][0]
    return [
        ("line", "Mẫu CT07 ban hành kèm theo Thông tư số 66/2023/TT-BCA", {}),
        ("line", NATIONAL, BOLD_CENTER), ("line", MOTTO, BOLD_CENTER), ("space", 0.8),
        ("line", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", BOLD_CENTER), ("space", 0.4),
        ("line", f"Công an {p['ward']} xác nhận thông tin về cư trú như sau:", {}),
        ("line", f"1. Họ, chữ đệm và tên: {who['NAME']}", {}),
        ("line", f"2. Ngày, tháng, năm sinh: {who['dob']}", {}),
        ("line", f"3. Giới tính: {who['sex']}", {}),
        ("comb", "4. Số định danh cá nhân:", who["id"]),
        ("wrap", f"5. Nơi thường trú: {p['address']}", {"hang": 6}),
        ("line", f"6. Dân tộc: {who['ethnic']}", {}),
        ("line", f"7. Tôn giáo: {who['religion']}", {}),
        ("wrap", "8. Thông tin về cư trú được xác nhận theo Cơ sở dữ liệu về cư trú.",
         {"hang": 6}),
        ("space", 0.6),
        ("line", date_line(p, ctx["date"]), SIGN),
        ("line", "TRƯỞNG CÔNG AN", SIGN_BOLD),
        ("space", 2),
        ("line", ctx["signer"]["name"], SIGN),
        # 7. Tôn giáo and the signer are no fields of the CT07 definition.
        fields("ct07", name=who["name"], dob=who["dob"], gender=who["sex"], id_number=who["id"],
               ethnicity=who["ethnic"], permanent_address=p["address"]),
    ]


def members_page(ctx, rng):
    """The household members in a ruled table, after the page heading."""
    p = ctx["place"]
    rows = [MEMBER_HEADER] + [
        [str(i), m["name"], m["dob"], m["sex"], m["rel"], m["id"]]
        for i, m in enumerate(ctx["members"], 1)]
    return [
        ("line", "THÀNH VIÊN HỘ GIA ĐÌNH", BOLD_CENTER), ("space", 0.4),
        ("wrap", f"Hộ gia đình thường trú tại {p['address']} gồm những người sau:", {}),
        ("space", 0.4),
        ("table", MEMBER_WIDTHS, rows),
        ("line", f"Tổng số thành viên: {len(ctx['members'])} người.", BOLD),
        ("space", 0.6),
        ("line", date_line(p, ctx["date"]), SIGN),
        ("line", "NGƯỜI KÊ KHAI", SIGN_BOLD),
        # The head's ID is printed in the head's row only (forms.toml: from_member).
        fields("household", head_id_number=ctx["members"][0]["id"], address=p["address"],
               members=[member_row(m) for m in ctx["members"]]),
    ]


BUILDERS = {"ct01": ct01_page, "ct07": ct07_page, "members": members_page}


def page_fields(blocks):
    """The form a page is and the fields it prints, or None for a page of no form."""
    found = [b for b in blocks if b[0] == "fields"]
    assert len(found) <= 1, found
    return (found[0][1], found[0][2]) if found else None


def boxed_ids(blocks):
    """The ID numbers a page writes in combs of boxes, in page order."""
    return [b[2] for b in blocks if b[0] == "comb"]
