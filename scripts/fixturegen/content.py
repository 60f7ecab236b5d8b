"""Vietnamese administrative content: people, addresses, ID numbers and the
text of each page kind (residence form, household register, decision letter).

A page builder returns a list of blocks for the layout engine (see layout.py):
    ("line", text, style)    one line, never wrapped
    ("wrap", text, style)    a paragraph wrapped to the text width
    ("cols", left, right)    two-column header; each side a list of (text, bold)
    ("space", lines)         vertical space, in line heights
    ("fields", form, values) draws nothing: the page is a form of this id (as
                             assets/forms.toml names it) printing these field
                             values ({name: value}, "members": [row, ...]);
                             written to truth/fields.jsonl
Style keys: bold, align ("left" | "center" | "sign": centred in the right-hand
signature column), indent (mm, first line), hang (mm, wrapped lines).
"""

SURNAMES = ["Nguyễn"] * 6 + ["Trần"] * 2 + ["Lê"] * 2 + [
    "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý"]
MIDDLE = {"Nam": ["Văn", "Đức", "Quốc", "Minh", "Hữu", "Công", "Thành", "Xuân", "Đình"],
          "Nữ": ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Hồng", "Mỹ", "Kim"]}
GIVEN = {"Nam": ["Lượng", "Đức", "Quốc", "Hùng", "Dũng", "Tuấn", "Thắng", "Cường", "Khải",
                 "Nghĩa", "Trường", "Hiếu", "Phúc", "Lộc", "Việt", "Đạt", "Khoa", "Sơn"],
         "Nữ": ["Hương", "Thuỷ", "Thủy", "Ngọc", "Phương", "Lan", "Hằng", "Trang", "Nhung",
                "Yến", "Thảo", "Huyền", "Linh", "Nguyệt", "Oanh", "Hoà", "Hòa", "Xuân"]}
JOBS = ["Giáo viên", "Kỹ sư xây dựng", "Công nhân may", "Nhân viên văn phòng", "Buôn bán",
        "Bác sĩ", "Nông dân", "Lái xe", "Kế toán", "Hưu trí", "Thợ điện", "Công chức"]
ETHNIC = ["Kinh"] * 8 + ["Tày", "Mường", "Hoa", "Khmer"]
RELIGION = ["Không"] * 6 + ["Phật giáo", "Công giáo"]

# province: (ID code, name used in addresses, place name on the date line,
#            {district: [wards]}, streets)
PLACES = {
    "Hà Nội": ("001", "TP Hà Nội", "Hà Nội",
               {"quận Hoàn Kiếm": ["phường Hàng Bạc", "phường Đồng Xuân", "phường Hàng Trống"],
                "quận Đống Đa": ["phường Ô Chợ Dừa", "phường Láng Hạ", "phường Văn Miếu"],
                "quận Cầu Giấy": ["phường Dịch Vọng", "phường Nghĩa Đô"]},
               ["Hàng Bạc", "Đinh Tiên Hoàng", "Láng Hạ", "Tôn Đức Thắng", "Xuân Thủy",
                "Trần Hưng Đạo"]),
    "Hồ Chí Minh": ("079", "TP Hồ Chí Minh", "TP Hồ Chí Minh",
                    {"quận 1": ["phường Bến Thành", "phường Bến Nghé", "phường Đa Kao"],
                     "quận Bình Thạnh": ["phường 25", "phường 14"],
                     "thành phố Thủ Đức": ["phường Hiệp Phú", "phường Linh Trung"]},
                    ["Lê Lợi", "Nguyễn Huệ", "Đinh Tiên Hoàng", "Điện Biên Phủ", "Võ Văn Ngân",
                     "Trường Chinh"]),
    "Đà Nẵng": ("048", "TP Đà Nẵng", "Đà Nẵng",
                {"quận Hải Châu": ["phường Thạch Thang", "phường Hòa Thuận Đông"],
                 "quận Sơn Trà": ["phường An Hải Bắc", "phường Mân Thái"]},
                ["Bạch Đằng", "Hùng Vương", "Ngô Quyền", "Trần Phú"]),
    "Đồng Nai": ("075", "tỉnh Đồng Nai", "Biên Hòa",
                 {"thành phố Biên Hòa": ["phường Tân Phong", "phường Quyết Thắng"],
                  "huyện Long Thành": ["xã Long Đức", "thị trấn Long Thành"]},
                 ["Đồng Khởi", "Phạm Văn Thuận", "Võ Thị Sáu"]),
    "Thanh Hóa": ("038", "tỉnh Thanh Hóa", "Thanh Hóa",
                  {"thành phố Thanh Hóa": ["phường Điện Biên", "phường Đông Thọ"],
                   "huyện Quảng Xương": ["xã Quảng Định", "thị trấn Tân Phong"]},
                  ["Lê Hoàn", "Bà Triệu", "Phan Chu Trinh"]),
    "Cần Thơ": ("092", "TP Cần Thơ", "Cần Thơ",
                {"quận Ninh Kiều": ["phường An Hòa", "phường Xuân Khánh"]},
                ["Ba Tháng Hai", "Nguyễn Văn Cừ", "Hòa Bình"]),
}
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

CENTER = {"align": "center"}
BOLD_CENTER = {"bold": True, "align": "center"}
BOLD = {"bold": True}
SIGN = {"align": "sign"}            # centred in the right-hand signature column
SIGN_BOLD = {"bold": True, "align": "sign"}


def fields(form, **values):
    """The form fields a page prints, exactly as printed (names in title case, the
    full stop that ends a sentence left out): a block that draws nothing."""
    return ("fields", form, values)


def member_row(m):
    """A person as a row of a form's table of people."""
    return {"name": m["name"], "dob": m["dob"], "gender": m["sex"], "id_number": m["id"],
            "relation": m["rel"]}


def pick_place(rng, province=None, district=None, ward=None):
    """A place dict: province, district, ward and a street address."""
    province = province or rng.choice(sorted(PLACES))
    code, pname, city, districts, streets = PLACES[province]
    district = district or rng.choice(sorted(districts))
    ward = ward or rng.choice(districts[district])
    street = rng.choice(streets)
    if rng.random() < 0.3:
        house = f"Số {rng.randint(1, 40)}, ngõ {rng.randint(2, 180)} đường {street}"
    else:
        house = f"Số {rng.randint(1, 250)} đường {street}"
    return {"province": province, "code": code, "pname": pname, "city": city,
            "district": district, "ward": ward,
            "address": f"{house}, {ward}, {district}, {pname}"}


def cap(s):
    """Capitalise the first letter only ("quận 1" -> "Quận 1")."""
    return s[:1].upper() + s[1:]


def id_number(rng, province_code, sex, year):
    """12-digit personal ID: province, century/sex digit, 2 year digits, 6 random."""
    century = 0 if year < 2000 else 2
    return f"{province_code}{century + (sex == 'Nữ')}{year % 100:02d}{rng.randint(0, 999999):06d}"


def person(rng, sex=None, surname=None, year=None, place_code=None):
    sex = sex or rng.choice(["Nam", "Nữ"])
    surname = surname or rng.choice(SURNAMES)
    year = year or rng.randint(1950, 2005)
    name = f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    code = place_code or rng.choice([p[0] for p in PLACES.values()])
    return {"name": name, "NAME": name.upper(), "sex": sex, "year": year,
            "dob": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
            "id": id_number(rng, code, sex, year),
            "job": "Học sinh" if year > 2004 else rng.choice(JOBS),
            "ethnic": rng.choice(ETHNIC), "religion": rng.choice(RELIGION)}


def family(rng, place_code):
    """Head of household, spouse, children, sometimes a parent."""
    head_sex = rng.choice(["Nam", "Nam", "Nữ"])
    y = rng.randint(1955, 1990)
    head = person(rng, head_sex, year=y, place_code=place_code)
    surname = head["name"].split()[0]
    members = [dict(head, rel="Chủ hộ")]
    spouse = "Nữ" if head_sex == "Nam" else "Nam"
    members.append(dict(person(rng, spouse, year=y + rng.randint(-3, 4), place_code=place_code),
                        rel="Vợ" if spouse == "Nữ" else "Chồng"))
    child_surname = surname if head_sex == "Nam" else members[1]["name"].split()[0]
    for _ in range(rng.randint(1, 3)):
        members.append(dict(person(rng, surname=child_surname,
                                   year=min(y + rng.randint(22, 32), 2015), place_code=place_code),
                            rel="Con"))
    if rng.random() < 0.4:
        members.append(dict(person(rng, "Nữ", year=y - rng.randint(24, 30),
                                   place_code=place_code), rel="Mẹ"))
    return members


def date_parts(rng, year):
    return rng.randint(1, 28), rng.randint(1, 12), year


def date_line(place, d):
    return f"{place['city']}, ngày {d[0]:02d} tháng {d[1]:02d} năm {d[2]}"


def context(rng, province=None, district=None, ward=None, signer=None, year=2023):
    """Everything the pages of one dossier share, so a multi-page file stays coherent.
    signer: force the official's name (to make sure a spelling occurs)."""
    place = pick_place(rng, province, district, ward)
    members = family(rng, place["code"])
    return {"place": place, "members": members, "date": date_parts(rng, year),
            "moved_from": pick_place(rng)["address"], "number": rng.randint(12, 980),
            "year": year, "phone": f"09{rng.randint(10, 99)} {rng.randint(100, 999)} "
                                   f"{rng.randint(100, 999)}",
            "signer": {"name": signer or person(rng, year=rng.randint(1965, 1980))["name"]},
            "subject": rng.choice(DECISION_SUBJECTS)}


# ---------------------------------------------------------------- form (CT01)

def form_page(ctx, rng):
    p, head = ctx["place"], ctx["members"][0]
    applicant = ctx["members"][rng.choice([0, 1])]
    return [
        ("line", NATIONAL, BOLD_CENTER), ("line", MOTTO, BOLD_CENTER), ("space", 1.2),
        ("line", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", BOLD_CENTER), ("space", 0.6),
        ("line", f"Kính gửi: Công an {p['ward']}, {p['district']}", CENTER), ("space", 0.6),
        ("line", f"1) Họ, chữ đệm và tên: {applicant['NAME']}", {}),
        ("line", f"2) Ngày, tháng, năm sinh: {applicant['dob']}", {}),
        ("line", f"3) Giới tính: {applicant['sex']}", {}),
        ("line", f"4) Số định danh cá nhân: {applicant['id']}", {}),
        ("line", f"5) Số điện thoại liên hệ: {ctx['phone']}", {}),
        ("wrap", f"6) Nơi thường trú: {ctx['moved_from']}", {"hang": 8}),
        ("wrap", f"7) Nơi ở hiện tại: {p['address']}", {"hang": 8}),
        ("line", f"8) Nghề nghiệp: {applicant['job']}", {}),
        ("line", f"9) Dân tộc: {applicant['ethnic']}", {}),
        ("line", f"10) Tôn giáo: {applicant['religion']}", {}),
        ("line", "11) Quốc tịch: Việt Nam", {}),
        ("line", f"12) Họ, chữ đệm và tên chủ hộ: {head['NAME']}", {}),
        ("line", f"13) Quan hệ với chủ hộ: {applicant['rel']}", {}),
        ("line", f"14) Số định danh cá nhân của chủ hộ: {head['id']}", {}),
        ("wrap", f"15) Nội dung đề nghị: Đăng ký thường trú vào hộ gia đình tại "
                 f"{p['address']}.", {"hang": 8}),
        ("space", 1),
        ("line", date_line(p, ctx["date"]), SIGN),
        ("line", "NGƯỜI KÊ KHAI", SIGN_BOLD),
        ("space", 2.5),
        ("line", applicant["name"], SIGN),
        # 6) Nơi thường trú and 9) Dân tộc are no fields of the CT01 definition.
        fields("ct01", name=applicant["name"], dob=applicant["dob"], gender=applicant["sex"],
               id_number=applicant["id"], phone=ctx["phone"], head_of_household=head["name"],
               relation_to_head=applicant["rel"], head_id_number=head["id"],
               request=f"Đăng ký thường trú vào hộ gia đình tại {p['address']}"),
    ]


def form_page2(ctx, rng):
    """The back of the declaration: no title, so no form of its own."""
    p, head = ctx["place"], ctx["members"][0]
    blocks = [("line", "16) Những thành viên trong hộ gia đình cùng thay đổi:", {})]
    for m in ctx["members"][1:]:
        blocks.append(("line", f"- {m['name']}, sinh ngày {m['dob']}, {m['rel'].lower()}, "
                               f"số định danh {m['id']}", {"indent": 6}))
    blocks += [
        ("space", 0.8), ("line", "Ý KIẾN CỦA CHỦ HỘ", BOLD),
        ("wrap", f"Tôi đồng ý cho các thành viên nêu trên đăng ký thường trú vào hộ gia đình "
                 f"tại {p['address']}.", {"indent": 10}),
        ("line", f"Chủ hộ: {head['name']}", {"indent": 10}),
        ("space", 0.8), ("line", "Ý KIẾN CỦA CƠ QUAN ĐĂNG KÝ CƯ TRÚ", BOLD),
        ("wrap", f"Hồ sơ đã được tiếp nhận đầy đủ, thông tin về cư trú đã được cập nhật vào "
                 f"Cơ sở dữ liệu về cư trú. Số biên nhận {ctx['number']:04d}/BN-CA.",
         {"indent": 10}),
        ("space", 1),
        ("line", date_line(p, ctx["date"]), SIGN),
        ("line", f"TRƯỞNG CÔNG AN {p['ward'].upper()}", SIGN_BOLD),
        ("space", 2.5),
        ("line", ctx["signer"]["name"], SIGN),
    ]
    return blocks


# ------------------------------------------------------ household register

def register_page(ctx, rng, part=1):
    """SỔ HỘ KHẨU page; part 1 lists the first members, part 2 the rest."""
    p, members = ctx["place"], ctx["members"]
    split = min(3, len(members) - 1)
    chosen = list(enumerate(members, 1))[:split] if part == 1 else \
        list(enumerate(members, 1))[split:]
    blocks = [("line", "SỔ HỘ KHẨU", BOLD_CENTER),
              ("line", f"Số: {p['code']}{ctx['number']:06d}", CENTER),
              ("line", f"Tờ số {part:02d}", CENTER), ("space", 0.6)]
    if part == 1:
        blocks += [("line", f"Họ và tên chủ hộ: {members[0]['NAME']}", {}),
                   ("wrap", f"Chỗ ở hiện nay: {p['address']}", {"hang": 8}), ("space", 0.5),
                   fields("household", head_of_household=members[0]["name"],
                          address=p["address"])]
    else:
        blocks.append(fields("household"))
    # The members stand in labelled blocks, not in a table: they are no "members" rows.
    for i, m in chosen:
        blocks += [
            ("line", f"{i}. Họ và tên: {m['NAME']}", BOLD),
            ("line", f"Quan hệ với chủ hộ: {m['rel']}", {"indent": 6}),
            ("line", f"Ngày sinh: {m['dob']}", {"indent": 6}),
            ("line", f"Giới tính: {m['sex']}", {"indent": 6}),
            ("line", f"Số định danh cá nhân: {m['id']}", {"indent": 6}),
            ("line", f"Nghề nghiệp: {m['job']}", {"indent": 6}),
            ("line", f"Dân tộc: {m['ethnic']}", {"indent": 6}),
            ("space", 0.5)]
    blocks += [("line", date_line(p, ctx["date"]), SIGN),
               ("line", f"Công an {p['district']}", SIGN)]
    return blocks


# ---------------------------------------------------------- decision letter

DECISION_SUBJECTS = [
    ("xóa đăng ký thường trú", "Xóa đăng ký thường trú đối với công dân {NAME}, sinh ngày "
     "{dob}, số định danh cá nhân {id}, tại {address}, do đã chuyển đến nơi ở mới."),
    ("điều chỉnh thông tin về cư trú", "Điều chỉnh thông tin về cư trú của công dân {NAME}, "
     "sinh ngày {dob}, số định danh cá nhân {id}, trong Cơ sở dữ liệu về cư trú theo "
     "đúng giấy tờ hộ tịch đã được cấp."),
    ("công nhận kết quả số hóa hồ sơ cư trú", "Công nhận kết quả số hóa hồ sơ cư trú của hộ "
     "gia đình ông (bà) {NAME}, số định danh cá nhân {id}, tại {address}."),
]
BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;",
    "Căn cứ Nghị định số 62/2021/NĐ-CP ngày 29 tháng 6 năm 2021 của Chính phủ quy định chi "
    "tiết một số điều của Luật Cư trú;",
    "Căn cứ Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê "
    "duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử;",
]


def decision_page(ctx, rng):
    p, who = ctx["place"], ctx["members"][0]
    district = p["district"].upper()
    subject, article = ctx["subject"]
    person = {"name": who["name"]}
    if "{dob}" in article:
        person["dob"] = who["dob"]
    person["id_number"] = who["id"]
    return [
        ("cols", [(f"ỦY BAN NHÂN DÂN", True), (district, True),
                  (f"Số: {ctx['number']}/QĐ-UBND", False)],
         [(NATIONAL, True), (MOTTO, True), (date_line(p, ctx["date"]), False)]),
        ("space", 1.2),
        ("line", "QUYẾT ĐỊNH", BOLD_CENTER),
        ("line", f"Về việc {subject}", BOLD_CENTER), ("space", 0.6),
        ("line", f"CHỦ TỊCH ỦY BAN NHÂN DÂN {district}", BOLD_CENTER), ("space", 0.6),
        *[("wrap", b, {"indent": 10}) for b in BASES],
        ("wrap", f"Xét đề nghị của Trưởng Công an {p['district']} tại Tờ trình số "
                 f"{ctx['number'] + 7}/TTr-CA ngày {ctx['date'][0]:02d} tháng "
                 f"{ctx['date'][1]:02d} năm {ctx['year']}.", {"indent": 10}),
        ("space", 0.5), ("line", "QUYẾT ĐỊNH:", BOLD_CENTER), ("space", 0.5),
        ("wrap", "Điều 1. " + article.format(address=p["address"], **who), {"indent": 10}),
        ("line", "Các thành viên trong hộ gia đình có liên quan:", {"indent": 10}),
        *[("line", f"- {m['name']}, sinh ngày {m['dob']}, số định danh {m['id']};",
           {"indent": 10}) for m in ctx["members"][1:4]],
        ("wrap", "Thời hạn thực hiện là 07 ngày làm việc kể từ ngày nhận được Quyết định "
                 "này. Kết quả được cập nhật vào Cơ sở dữ liệu quốc gia về dân cư.",
         {"indent": 10}),
        # The relatives listed under Điều 1 are not the decision's person.
        fields("quyet-dinh", issuer=f"Ủy ban nhân dân {p['district']}",
               decision_number=f"{ctx['number']}/QĐ-UBND", subject=f"Về việc {subject}",
               **person),
    ]


def decision_page2(ctx, rng):
    p = ctx["place"]
    ward = p["ward"]
    return [
        ("wrap", f"Điều 2. Giao Công an {p['district']} chủ trì, phối hợp với Ủy ban nhân dân "
                 f"{ward} hướng dẫn công dân thực hiện thủ tục theo quy định; lưu trữ hồ sơ "
                 f"và số hóa kết quả giải quyết thủ tục hành chính.", {"indent": 10}),
        ("wrap", f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Hội đồng "
                 f"nhân dân và Ủy ban nhân dân {p['district']}, Trưởng Công an "
                 f"{p['district']}, Chủ tịch Ủy ban nhân dân {ward} và công dân có tên tại "
                 f"Điều 1 chịu trách nhiệm thi hành Quyết định này./.", {"indent": 10}),
        ("space", 1),
        ("line", "TM. ỦY BAN NHÂN DÂN", SIGN_BOLD),
        ("line", "KT. CHỦ TỊCH", SIGN_BOLD),
        ("line", "PHÓ CHỦ TỊCH", SIGN_BOLD),
        ("space", 2.5),
        ("line", ctx["signer"]["name"], SIGN_BOLD),
        fields("quyet-dinh", signer=ctx["signer"]["name"]),
        ("space", 1),
        ("line", "Nơi nhận:", BOLD),
        ("line", "- Như Điều 3;", {}),
        ("line", f"- Công an {p['district']};", {}),
        ("line", "- Lưu: VT, CA.", {}),
    ]


def decision_list_page(ctx, rng):
    """Attachment to a decision: the people it concerns, as text lines. Neither the
    decision's header nor its signature: no form."""
    p = ctx["place"]
    blocks = [("line", "DANH SÁCH CÔNG DÂN", BOLD_CENTER),
              ("line", f"(Kèm theo Quyết định số {ctx['number']}/QĐ-UBND ngày "
                       f"{ctx['date'][0]:02d}/{ctx['date'][1]:02d}/{ctx['year']}", CENTER),
              ("line", f"của Chủ tịch Ủy ban nhân dân {p['district']})", CENTER), ("space", 0.8)]
    for i, m in enumerate(ctx["members"], 1):
        blocks += [("line", f"{i}. {m['NAME']}, {m['sex'].lower()}, sinh ngày {m['dob']}", {}),
                   ("line", f"Số định danh cá nhân: {m['id']}; quan hệ với chủ hộ: "
                            f"{m['rel'].lower()}", {"indent": 6}),
                   ("space", 0.3)]
    blocks += [("space", 0.5),
               ("wrap", f"Danh sách gồm {len(ctx['members'])} người, thường trú tại "
                        f"{p['address']}.", {"indent": 10})]
    return blocks


BUILDERS = {
    "form": form_page, "form-2": form_page2,
    "register": register_page, "register-2": lambda c, r: register_page(c, r, 2),
    "decision": decision_page, "decision-2": decision_page2, "decision-list": decision_list_page,
    "blank": lambda c, r: [],
}


def page_blocks(part, ctx, rng):
    return BUILDERS[part](ctx, rng)


def kind_of(part):
    """The manifest 'kind' of a page part: form, register, decision or blank."""
    return part.split("-")[0]
