"""The fixed texts actions say, in the five languages the bot answers in (docs/languages.md).

`text(key, lang)` looks a text up; every key has all five languages (tests/unit/actions/test_i18n.py).
The conversation's language is the `language` slot, set from the gateway's detection or the language
menu; a conversation without one yet takes a short message's hint (「halo」), else Chinese.
Chinese texts that already live elsewhere (cases/texts.py, actions/menu.py) are referred to, not copied.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from cases import texts as case_texts
from labourbot.language import DEFAULT_LANGUAGE, LANGUAGES

SLOT = "language"
LANGUAGE_NAMES: Dict[str, str] = {"zh": "中文", "en": "English", "id": "Bahasa Indonesia", "vi": "Tiếng Việt",
                                  "th": "ภาษาไทย"}
LANGUAGE_BUTTON = "Language / 語言"
CHOOSE_LANGUAGE_PAYLOAD = "/choose_language"

CATALOG: Dict[str, Dict[str, str]] = {
    "greeting": {
        "zh": ("您好！我是臺南市政府勞工局的勞動法令小幫手 🙂 可以直接打出您的問題，例如「老闆不給加班費怎麼辦」，"
               "或點選下面的主題："),
        "en": ("Hello! I am the labour-law assistant of the Tainan City Government Labor Affairs Bureau 🙂 "
               "Type your question in English, for example \"My employer keeps my passport\", or tap a "
               "question below:"),
        "id": ("Halo! Saya asisten hukum ketenagakerjaan Dinas Tenaga Kerja Pemerintah Kota Tainan 🙂 "
               "Tulis pertanyaan Anda dalam bahasa Indonesia, misalnya \"Paspor saya ditahan majikan\", "
               "atau pilih pertanyaan di bawah:"),
        "vi": ("Xin chào! Tôi là trợ lý luật lao động của Cục Lao động thành phố Đài Nam 🙂 Bạn có thể "
               "viết câu hỏi bằng tiếng Việt, ví dụ \"Chủ giữ hộ chiếu của tôi\", hoặc chọn câu hỏi bên dưới:"),
        "th": ("สวัสดีค่ะ ฉันเป็นผู้ช่วยด้านกฎหมายแรงงานของสำนักแรงงาน เทศบาลนครไถหนาน 🙂 พิมพ์คำถามเป็นภาษาไทยได้เลย "
               "เช่น \"นายจ้างยึดหนังสือเดินทางของฉัน\" หรือเลือกคำถามด้านล่าง:"),
    },
    "out_of_scope": {
        "zh": "抱歉，這個問題不在我能回答的範圍。我可以回答勞動法令、求職防騙、找工作等問題，例如：",
        "en": "Sorry, I cannot answer that. I can help with labour law in Taiwan: wages, overtime, days off, "
              "passports, changing employers. For example:",
        "id": "Maaf, saya tidak bisa menjawab itu. Saya bisa membantu soal hukum ketenagakerjaan di Taiwan: "
              "gaji, lembur, libur, paspor, pindah majikan. Misalnya:",
        "vi": "Xin lỗi, tôi không trả lời được câu này. Tôi có thể giúp về luật lao động Đài Loan: lương, "
              "làm thêm giờ, ngày nghỉ, hộ chiếu, đổi chủ. Ví dụ:",
        "th": "ขออภัย ฉันตอบเรื่องนี้ไม่ได้ ฉันช่วยเรื่องกฎหมายแรงงานไต้หวันได้ เช่น ค่าจ้าง ค่าล่วงเวลา วันหยุด "
              "หนังสือเดินทาง การเปลี่ยนนายจ้าง ตัวอย่างเช่น:",
    },
    "language_menu": {
        "zh": "請選擇您想使用的語言：",
        "en": "Please choose your language:",
        "id": "Silakan pilih bahasa Anda:",
        "vi": "Vui lòng chọn ngôn ngữ của bạn:",
        "th": "กรุณาเลือกภาษาของคุณ:",
    },
    "language_set": {
        "zh": "好的，接下來用中文回答您。想換語言，隨時點「Language / 語言」。",
        "en": "OK, I will answer in English from now on. To change the language, tap \"Language / 語言\".",
        "id": "Baik, mulai sekarang saya menjawab dalam bahasa Indonesia. Untuk mengganti bahasa, "
              "ketuk \"Language / 語言\".",
        "vi": "Được, từ bây giờ tôi sẽ trả lời bằng tiếng Việt. Muốn đổi ngôn ngữ, hãy bấm \"Language / 語言\".",
        "th": "ได้ค่ะ ต่อจากนี้จะตอบเป็นภาษาไทย หากต้องการเปลี่ยนภาษา แตะ \"Language / 語言\"",
    },
    "human_button": {
        "zh": "找真人", "en": "Talk to a person", "id": "Bicara dengan petugas", "vi": "Gặp nhân viên",
        "th": "คุยกับเจ้าหน้าที่",
    },
    "you_asked": {
        "zh": "您問：「{question}」", "en": "You asked: \"{question}\"", "id": "Anda bertanya: \"{question}\"",
        "vi": "Bạn hỏi: \"{question}\"", "th": "คุณถาม: \"{question}\"",
    },
    "about": {
        "zh": "關於「{title}」：", "en": "{title}", "id": "{title}", "vi": "{title}", "th": "{title}",
    },
    "basis": {
        "zh": "依據：", "en": "Legal basis: ", "id": "Dasar hukum: ", "vi": "Căn cứ pháp lý: ",
        "th": "อ้างอิงกฎหมาย: ",
    },
    "statute_note": {
        "zh": "",
        "en": "(The law is in Chinese; the Chinese text prevails.)",
        "id": "(Undang-undangnya berbahasa Mandarin; teks Mandarin yang berlaku.)",
        "vi": "(Văn bản luật bằng tiếng Trung; bản tiếng Trung có giá trị pháp lý.)",
        "th": "(ตัวบทกฎหมายเป็นภาษาจีน และถือฉบับภาษาจีนเป็นหลัก)",
    },
    "official_english": {
        "zh": "{citation} 官方英譯：", "en": "Official English translation of {citation}:",
        "id": "Terjemahan resmi bahasa Inggris {citation}:", "vi": "Bản dịch tiếng Anh chính thức của {citation}:",
        "th": "คำแปลภาษาอังกฤษอย่างเป็นทางการของ {citation}:",
    },
    "law_button": {
        "zh": "看法條原文", "en": "Law text (Chinese)", "id": "Teks pasal (Mandarin)", "vi": "Điều luật (tiếng Trung)",
        "th": "ตัวบทกฎหมาย (จีน)",
    },
    "helpful": {
        "zh": "有幫助", "en": "Helpful", "id": "Membantu", "vi": "Hữu ích", "th": "มีประโยชน์",
    },
    "related": {
        "zh": "相關的問題：", "en": "Related questions:", "id": "Pertanyaan terkait:", "vi": "Câu hỏi liên quan:",
        "th": "คำถามที่เกี่ยวข้อง:",
    },
    # Honest limits: nothing translated answers the question with confidence.
    "no_answer": {
        "zh": ("這個問題我沒有把握直接回答。您是想問下面哪一個嗎？也可以換個說法，或請勞工局同仁協助；"
               "也可以撥打 1955 勞工諮詢專線（24 小時、免付費）。"),
        "en": ("Sorry, I do not have a reliable answer to this in English. The closest topics I have are "
               "below. For help in English, call the 1955 hotline (free, 24 hours, with interpreters), or "
               "talk to a person at the bureau."),
        "id": ("Maaf, saya belum punya jawaban yang pasti untuk ini dalam bahasa Indonesia. Topik yang paling "
               "dekat ada di bawah. Untuk bantuan dalam bahasa Indonesia, hubungi 1955 (gratis, 24 jam, ada "
               "penerjemah), atau bicara dengan petugas Dinas Tenaga Kerja."),
        "vi": ("Xin lỗi, tôi chưa có câu trả lời chắc chắn cho câu này bằng tiếng Việt. Các chủ đề gần nhất "
               "ở bên dưới. Để được giúp bằng tiếng Việt, hãy gọi 1955 (miễn phí, 24 giờ, có phiên dịch), "
               "hoặc gặp nhân viên của Cục Lao động."),
        "th": ("ขออภัย ฉันยังไม่มีคำตอบที่แน่นอนสำหรับคำถามนี้เป็นภาษาไทย หัวข้อที่ใกล้เคียงที่สุดอยู่ด้านล่าง "
               "หากต้องการความช่วยเหลือเป็นภาษาไทย โทร 1955 (ฟรี 24 ชั่วโมง มีล่าม) หรือคุยกับเจ้าหน้าที่สำนักแรงงาน"),
    },
    "chinese_only": {
        "zh": "",
        "en": "(These are in Chinese: I have nothing on this in English yet.)",
        "id": "(Ini dalam bahasa Mandarin: belum ada dalam bahasa Indonesia.)",
        "vi": "(Các mục này bằng tiếng Trung: chưa có bản tiếng Việt.)",
        "th": "(หัวข้อเหล่านี้เป็นภาษาจีน ยังไม่มีฉบับภาษาไทย)",
    },
    "kb_unavailable": {
        "zh": "知識庫目前無法使用，請撥打 1955 勞工諮詢專線，或輸入「找真人」。",
        "en": "The knowledge base is not available right now. Please call 1955 (free, 24 hours, with "
              "interpreters) or talk to a person.",
        "id": "Basis pengetahuan sedang tidak tersedia. Silakan hubungi 1955 (gratis, 24 jam, ada penerjemah) "
              "atau bicara dengan petugas.",
        "vi": "Cơ sở kiến thức hiện không dùng được. Vui lòng gọi 1955 (miễn phí, 24 giờ, có phiên dịch) "
              "hoặc gặp nhân viên.",
        "th": "ฐานความรู้ใช้งานไม่ได้ในขณะนี้ กรุณาโทร 1955 (ฟรี 24 ชั่วโมง มีล่าม) หรือคุยกับเจ้าหน้าที่",
    },
    "entry_missing": {
        "zh": "抱歉，找不到這則說明。請直接輸入您的問題。",
        "en": "Sorry, I cannot find that answer. Please type your question.",
        "id": "Maaf, jawaban itu tidak ditemukan. Silakan tulis pertanyaan Anda.",
        "vi": "Xin lỗi, không tìm thấy câu trả lời đó. Vui lòng nhập câu hỏi của bạn.",
        "th": "ขออภัย ไม่พบคำตอบนั้น กรุณาพิมพ์คำถามของคุณ",
    },
    # Handoff (the Chinese texts are cases/texts.py's).
    "handoff_notice": {
        "zh": case_texts.NOTICE,
        "en": ("I can pass your case to the staff of the Tainan City Labor Affairs Bureau. First, how your "
               "personal data is used:\n"
               "• Purpose: bureau staff look into your labour problem and help you.\n"
               "• Who sees it: only the bureau staff handling your case.\n"
               f"• How long: the case (with this conversation) is deleted after {case_texts.RETENTION_DAYS} days.\n"
               "• You may say no: then no case is opened, and you can call 1955 instead.\n"
               "Do you agree?"),
        "id": ("Saya bisa meneruskan masalah Anda ke petugas Dinas Tenaga Kerja Kota Tainan. Sebelumnya, "
               "tentang data pribadi Anda:\n"
               "• Tujuan: petugas memahami dan membantu masalah kerja Anda.\n"
               "• Siapa yang melihat: hanya petugas yang menangani kasus Anda.\n"
               f"• Berapa lama: data kasus (termasuk percakapan ini) dihapus setelah {case_texts.RETENTION_DAYS} hari.\n"
               "• Anda boleh tidak setuju: kasus tidak dibuat, dan Anda bisa menghubungi 1955.\n"
               "Apakah Anda setuju?"),
        "vi": ("Tôi có thể chuyển vấn đề của bạn cho nhân viên Cục Lao động thành phố Đài Nam. Trước đó, về "
               "dữ liệu cá nhân của bạn:\n"
               "• Mục đích: nhân viên tìm hiểu và giúp bạn giải quyết vấn đề lao động.\n"
               "• Ai được xem: chỉ nhân viên phụ trách hồ sơ của bạn.\n"
               f"• Lưu bao lâu: hồ sơ (kể cả cuộc trò chuyện này) bị xóa sau {case_texts.RETENTION_DAYS} ngày.\n"
               "• Bạn có thể không đồng ý: khi đó sẽ không lập hồ sơ, bạn có thể gọi 1955.\n"
               "Bạn có đồng ý không?"),
        "th": ("ฉันส่งเรื่องของคุณให้เจ้าหน้าที่สำนักแรงงาน เทศบาลนครไถหนานได้ ก่อนอื่น เรื่องข้อมูลส่วนบุคคลของคุณ:\n"
               "• วัตถุประสงค์: เจ้าหน้าที่จะศึกษาและช่วยแก้ปัญหาแรงงานของคุณ\n"
               "• ใครเห็นข้อมูล: เฉพาะเจ้าหน้าที่ที่รับผิดชอบเรื่องของคุณ\n"
               f"• เก็บนานเท่าไร: ข้อมูลเรื่อง (รวมบทสนทนานี้) จะถูกลบหลัง {case_texts.RETENTION_DAYS} วัน\n"
               "• คุณปฏิเสธได้: จะไม่มีการเปิดเรื่อง และคุณโทร 1955 ได้\n"
               "คุณยินยอมไหม?"),
    },
    "consent_yes": {"zh": case_texts.CONSENT_YES, "en": "I agree", "id": "Setuju", "vi": "Đồng ý", "th": "ยินยอม"},
    "consent_no": {"zh": case_texts.CONSENT_NO, "en": "I do not agree", "id": "Tidak setuju",
                   "vi": "Không đồng ý", "th": "ไม่ยินยอม"},
    "skip": {"zh": case_texts.SKIP, "en": "Skip", "id": "Lewati", "vi": "Bỏ qua", "th": "ข้าม"},
    "ask_consent_again": {
        "zh": case_texts.ASK_CONSENT_AGAIN,
        "en": "Sorry, I am not sure what you mean: please tap \"I agree\" or \"I do not agree\".",
        "id": "Maaf, saya kurang paham: silakan ketuk \"Setuju\" atau \"Tidak setuju\".",
        "vi": "Xin lỗi, tôi chưa hiểu: vui lòng bấm \"Đồng ý\" hoặc \"Không đồng ý\".",
        "th": "ขออภัย ฉันไม่แน่ใจ กรุณาแตะ \"ยินยอม\" หรือ \"ไม่ยินยอม\"",
    },
    "ask_contact": {
        "zh": case_texts.ASK_CONTACT,
        "en": ("Should the staff call you? Leave a phone number or a good time to call (for example "
               "\"0912-345-678 weekday afternoons\"). A bureau interpreter can call you back. If not, tap "
               "\"Skip\" and staff will answer in this chat."),
        "id": ("Perlu ditelepon petugas? Tulis nomor telepon atau waktu yang cocok (misalnya \"0912-345-678 "
               "sore hari kerja\"). Juru bahasa Dinas bisa menelepon Anda. Jika tidak, ketuk \"Lewati\" dan "
               "petugas akan membalas di obrolan ini."),
        "vi": ("Bạn có muốn nhân viên gọi điện không? Hãy để lại số điện thoại hoặc giờ thuận tiện (ví dụ "
               "\"0912-345-678 chiều ngày thường\"). Phiên dịch viên của Cục có thể gọi lại cho bạn. Nếu không, "
               "bấm \"Bỏ qua\", nhân viên sẽ trả lời trong cuộc trò chuyện này."),
        "th": ("ต้องการให้เจ้าหน้าที่โทรหาไหม ฝากเบอร์โทรหรือเวลาที่สะดวก (เช่น \"0912-345-678 บ่ายวันธรรมดา\") "
               "ล่ามของสำนักแรงงานโทรกลับหาคุณได้ ถ้าไม่ต้องการ แตะ \"ข้าม\" เจ้าหน้าที่จะตอบในแชทนี้"),
    },
    "ask_contact_again": {
        "zh": case_texts.ASK_CONTACT_AGAIN,
        "en": "I could not read that contact 🙏 Please leave a phone number or a time, or tap \"Skip\".",
        "id": "Kontak itu tidak terbaca 🙏 Tulis nomor telepon atau waktu, atau ketuk \"Lewati\".",
        "vi": "Tôi không đọc được thông tin liên lạc đó 🙏 Vui lòng để lại số điện thoại hoặc giờ, hoặc bấm \"Bỏ qua\".",
        "th": "อ่านข้อมูลติดต่อไม่ออก 🙏 กรุณาฝากเบอร์โทรหรือเวลา หรือแตะ \"ข้าม\"",
    },
    "declined": {
        "zh": case_texts.DECLINED,
        "en": "OK, no case is opened and no contact is kept. You can ask for a person any time, or call "
              "1955 (free, 24 hours, with interpreters).",
        "id": "Baik, tidak ada kasus yang dibuat dan kontak tidak disimpan. Anda bisa minta petugas kapan saja, "
              "atau hubungi 1955 (gratis, 24 jam, ada penerjemah).",
        "vi": "Được, không lập hồ sơ và không lưu thông tin liên lạc. Bạn có thể yêu cầu gặp nhân viên bất cứ "
              "lúc nào, hoặc gọi 1955 (miễn phí, 24 giờ, có phiên dịch).",
        "th": "ได้ค่ะ จะไม่เปิดเรื่องและไม่เก็บข้อมูลติดต่อ ขอคุยกับเจ้าหน้าที่ได้ทุกเมื่อ หรือโทร 1955 (ฟรี 24 ชั่วโมง มีล่าม)",
    },
    "opened": {
        "zh": case_texts.OPENED,
        "en": "Your case has been passed to the bureau staff: case number #{case_id}.\n{expected}\nStaff "
              "usually write in Chinese; a bureau interpreter can call you back. You can keep asking me meanwhile.",
        "id": "Kasus Anda sudah diteruskan ke petugas Dinas: nomor kasus #{case_id}.\n{expected}\nPetugas "
              "biasanya menulis dalam bahasa Mandarin; juru bahasa Dinas bisa menelepon Anda. Sambil menunggu, "
              "Anda tetap bisa bertanya kepada saya.",
        "vi": "Vấn đề của bạn đã được chuyển cho nhân viên Cục: số hồ sơ #{case_id}.\n{expected}\nNhân viên "
              "thường viết bằng tiếng Trung; phiên dịch viên của Cục có thể gọi lại cho bạn. Trong lúc chờ, "
              "bạn vẫn có thể hỏi tôi.",
        "th": "ส่งเรื่องของคุณให้เจ้าหน้าที่แล้ว หมายเลขเรื่อง #{case_id}\n{expected}\nเจ้าหน้าที่มักเขียนเป็นภาษาจีน "
              "ล่ามของสำนักแรงงานโทรกลับหาคุณได้ ระหว่างรอ คุณยังถามฉันต่อได้",
    },
    "expected_reply": {
        "zh": "",
        "en": "Staff answer in this chat during office hours (Mon-Fri).",
        "id": "Petugas membalas di obrolan ini pada jam kerja (Senin-Jumat).",
        "vi": "Nhân viên trả lời trong cuộc trò chuyện này vào giờ hành chính (thứ Hai-thứ Sáu).",
        "th": "เจ้าหน้าที่จะตอบในแชทนี้ในเวลาทำการ (จันทร์-ศุกร์)",
    },
    "already_open": {
        "zh": case_texts.ALREADY_OPEN,
        "en": "Your case #{case_id} is already being handled 🙂 Staff will answer in this chat.",
        "id": "Kasus Anda #{case_id} sedang ditangani 🙂 Petugas akan membalas di obrolan ini.",
        "vi": "Hồ sơ #{case_id} của bạn đang được xử lý 🙂 Nhân viên sẽ trả lời trong cuộc trò chuyện này.",
        "th": "เรื่อง #{case_id} ของคุณกำลังดำเนินการอยู่ 🙂 เจ้าหน้าที่จะตอบในแชทนี้",
    },
    "contact_added": {
        "zh": case_texts.CONTACT_ADDED,
        "en": "Your contact has been added to case #{case_id}.",
        "id": "Kontak Anda sudah ditambahkan ke kasus #{case_id}.",
        "vi": "Đã thêm thông tin liên lạc vào hồ sơ #{case_id}.",
        "th": "เพิ่มข้อมูลติดต่อในเรื่อง #{case_id} แล้ว",
    },
    "case_unavailable": {
        "zh": case_texts.UNAVAILABLE,
        "en": "Sorry, the case system is not available right now. Please try again later, or call 1955 "
              "(free, 24 hours, with interpreters).",
        "id": "Maaf, sistem kasus sedang tidak tersedia. Coba lagi nanti, atau hubungi 1955 (gratis, 24 jam, "
              "ada penerjemah).",
        "vi": "Xin lỗi, hệ thống hồ sơ tạm thời không dùng được. Vui lòng thử lại sau, hoặc gọi 1955 (miễn phí, "
              "24 giờ, có phiên dịch).",
        "th": "ขออภัย ระบบรับเรื่องใช้งานไม่ได้ชั่วคราว กรุณาลองใหม่ภายหลัง หรือโทร 1955 (ฟรี 24 ชั่วโมง มีล่าม)",
    },
    "sensitive_offer": {
        "zh": case_texts.SENSITIVE_OFFER,
        "en": "What you describe is best handled by the bureau staff directly. Shall I pass it to them? "
              "You can also call 1955 (free, 24 hours, with interpreters).",
        "id": "Masalah yang Anda ceritakan sebaiknya ditangani langsung oleh petugas Dinas. Mau saya teruskan? "
              "Anda juga bisa menghubungi 1955 (gratis, 24 jam, ada penerjemah).",
        "vi": "Trường hợp bạn kể nên được nhân viên Cục trực tiếp giúp đỡ. Bạn có muốn tôi chuyển cho họ không? "
              "Bạn cũng có thể gọi 1955 (miễn phí, 24 giờ, có phiên dịch).",
        "th": "เรื่องที่คุณเล่าควรให้เจ้าหน้าที่สำนักแรงงานช่วยโดยตรง ให้ฉันส่งเรื่องให้ไหม หรือโทร 1955 "
              "(ฟรี 24 ชั่วโมง มีล่าม) ก็ได้",
    },
    # Calculators (actions/calculators.py). The Chinese texts are the ones the Chinese forms say; the
    # Chinese result keeps its own formatting there (format_result), these are for the other languages.
    "calc_menu": {
        "zh": "我可以幫您算這些，請選一個：",
        "en": "I can calculate these for you. Please choose one:",
        "id": "Saya bisa menghitung ini untuk Anda. Silakan pilih satu:",
        "vi": "Tôi có thể tính giúp bạn những mục này. Vui lòng chọn một:",
        "th": "ฉันช่วยคำนวณเรื่องเหล่านี้ได้ กรุณาเลือกหนึ่งอย่าง:",
    },
    "calc_label_annual_leave": {"zh": "特休天數", "en": "Annual leave days", "id": "Hari cuti tahunan",
                                "vi": "Số ngày phép năm", "th": "วันลาพักร้อน"},
    "calc_label_overtime": {"zh": "加班費", "en": "Overtime pay", "id": "Upah lembur", "vi": "Tiền tăng ca",
                            "th": "ค่าล่วงเวลา"},
    "calc_label_severance": {"zh": "資遣費", "en": "Severance pay", "id": "Uang pesangon",
                             "vi": "Trợ cấp thôi việc", "th": "ค่าชดเชยเลิกจ้าง"},
    "calc_label_notice": {"zh": "預告期間", "en": "Notice period", "id": "Masa pemberitahuan PHK",
                          "vi": "Thời hạn báo trước", "th": "ระยะแจ้งล่วงหน้า"},
    "calc_label_min_wage": {"zh": "最低工資檢查", "en": "Minimum wage check", "id": "Cek upah minimum",
                            "vi": "Kiểm tra lương tối thiểu", "th": "ตรวจค่าจ้างขั้นต่ำ"},
    "calc_label_maternity": {"zh": "產假", "en": "Maternity leave", "id": "Cuti melahirkan",
                             "vi": "Nghỉ thai sản", "th": "ลาคลอด"},
    "calc_bad": {
        "zh": "抱歉，我看不懂這個{hint} 🙏 再試一次，或輸入「取消」結束試算。",
        "en": "Sorry, I could not read that {hint} 🙏 Please try again, or type \"no\" to stop.",
        "id": "Maaf, saya tidak bisa membaca {hint} itu 🙏 Coba lagi, atau ketik \"tidak\" untuk berhenti.",
        "vi": "Xin lỗi, tôi không đọc được {hint} đó 🙏 Vui lòng thử lại, hoặc gõ \"không\" để dừng.",
        "th": "ขออภัย ฉันอ่าน{hint}นี้ไม่ออก 🙏 ลองใหม่อีกครั้ง หรือพิมพ์ \"ไม่\" เพื่อหยุด",
    },
    "calc_hint_date": {
        "zh": "日期（例如 113年3月1日、2024/3/1，或「做了三年兩個月」）",
        "en": "date (for example 1 March 2024, 2024-03-01, or \"3 years 2 months\")",
        "id": "tanggal (misalnya 1 Maret 2024, 01/03/2024, atau \"3 tahun 2 bulan\")",
        "vi": "ngày (ví dụ ngày 1 tháng 3 năm 2024, 01/03/2024, hoặc \"3 năm 2 tháng\")",
        "th": "วันที่ (เช่น 1 มีนาคม 2567, 01/03/2024 หรือ \"3 ปี 2 เดือน\")",
    },
    "calc_hint_future": {
        "zh": "日期：到職日不能在今天之後",
        "en": "date: the start date cannot be after today",
        "id": "tanggal: tanggal mulai kerja tidak boleh setelah hari ini",
        "vi": "ngày: ngày bắt đầu làm việc không thể sau hôm nay",
        "th": "วันที่: วันเริ่มงานต้องไม่หลังวันนี้",
    },
    "calc_hint_end": {
        "zh": "日期（例如 115年10月31日、今天）",
        "en": "date (for example 31 October 2026, or \"today\")",
        "id": "tanggal (misalnya 31 Oktober 2026, atau \"hari ini\")",
        "vi": "ngày (ví dụ 31/10/2026, hoặc \"hôm nay\")",
        "th": "วันที่ (เช่น 31 ตุลาคม 2569 หรือ \"วันนี้\")",
    },
    "calc_hint_end_before": {
        "zh": "日期：最後工作日早於到職日",
        "en": "date: the last working day is before the start date",
        "id": "tanggal: hari kerja terakhir lebih awal dari tanggal mulai kerja",
        "vi": "ngày: ngày làm việc cuối cùng sớm hơn ngày bắt đầu",
        "th": "วันที่: วันทำงานวันสุดท้ายอยู่ก่อนวันเริ่มงาน",
    },
    "calc_hint_wage": {
        "zh": "金額（例如 35000、3萬5、時薪196）",
        "en": "amount (for example 30000, NT$30,000, 30k, or 200 per hour)",
        "id": "jumlah (misalnya 30000, 30 ribu, atau 200 per jam)",
        "vi": "số tiền (ví dụ 30000, 30 nghìn, hoặc 200 mỗi giờ)",
        "th": "จำนวนเงิน (เช่น 30000, 3 หมื่น หรือ ชั่วโมงละ 200)",
    },
    "calc_hint_hours": {
        "zh": "時數（例如 3、2.5、三小時，或「總共做了11小時」）",
        "en": "number of hours (for example 3, 2.5, or \"11 hours in total\")",
        "id": "jumlah jam (misalnya 3, 2,5, atau \"total 11 jam\")",
        "vi": "số giờ (ví dụ 3, 2,5, hoặc \"tổng cộng 11 giờ\")",
        "th": "จำนวนชั่วโมง (เช่น 3, 2.5 หรือ \"รวม 11 ชั่วโมง\")",
    },
    "calc_hint_day_type": {
        "zh": "日子類型（平日、休息日、國定假日或例假）",
        "en": "kind of day (weekday, rest day, public holiday or regular day off)",
        "id": "jenis hari (hari biasa, hari istirahat, libur nasional, atau libur reguler)",
        "vi": "loại ngày (ngày thường, ngày nghỉ ngơi, ngày lễ hoặc ngày nghỉ định kỳ)",
        "th": "ประเภทวัน (วันธรรมดา วันหยุดพักผ่อน วันหยุดนักขัตฤกษ์ หรือวันหยุดประจำสัปดาห์)",
    },
    "calc_hint_birth": {
        "zh": "日期（例如 115年12月20日）",
        "en": "date (for example 20 December 2026)",
        "id": "tanggal (misalnya 20 Desember 2026)",
        "vi": "ngày (ví dụ ngày 20 tháng 12 năm 2026)",
        "th": "วันที่ (เช่น 20 ธันวาคม 2569)",
    },
    "calc_hint_leave_start": {
        "zh": "日期（例如 115年12月1日）",
        "en": "date (for example 1 December 2026)",
        "id": "tanggal (misalnya 1 Desember 2026)",
        "vi": "ngày (ví dụ ngày 1 tháng 12 năm 2026)",
        "th": "วันที่ (เช่น 1 ธันวาคม 2569)",
    },
    "calc_need_period": {
        "zh": "這個試算要用{need}計算，請告訴我{need}（例如 {example}）。",
        "en": "This calculation needs the {need}. Please tell me the {need} (for example {example}).",
        "id": "Perhitungan ini memakai {need}. Silakan sebutkan {need} Anda (misalnya {example}).",
        "vi": "Phép tính này cần {need}. Vui lòng cho tôi biết {need} (ví dụ {example}).",
        "th": "การคำนวณนี้ใช้{need} กรุณาบอก{need}ของคุณ (เช่น {example})",
    },
    "calc_or": {"zh": "或", "en": " or ", "id": " atau ", "vi": " hoặc ", "th": " หรือ "},
    "calc_weekday_max": {
        "zh": ("平日加班一天最多 {max} 小時（連同正常工時不超過12小時）。如果 {hours} 小時是那天的總工時，"
               "請回答「總共{hours}小時」；或輸入「取消」結束試算。"),
        "en": ("Overtime on a weekday is at most {max} hours (12 hours a day with the normal hours). If {hours} "
               "hours was the whole day, answer \"{hours} hours in total\"; or type \"no\" to stop."),
        "id": ("Lembur pada hari biasa paling banyak {max} jam (bersama jam kerja normal tidak lebih dari 12 jam). "
               "Jika {hours} jam itu total sehari, jawab \"total {hours} jam\"; atau ketik \"tidak\" untuk berhenti."),
        "vi": ("Tăng ca ngày thường tối đa {max} giờ một ngày (cộng giờ làm bình thường không quá 12 giờ). Nếu "
               "{hours} giờ là tổng cả ngày, hãy trả lời \"tổng cộng {hours} giờ\"; hoặc gõ \"không\" để dừng."),
        "th": ("ทำงานล่วงเวลาในวันธรรมดาได้ไม่เกินวันละ {max} ชั่วโมง (รวมเวลาทำงานปกติไม่เกิน 12 ชั่วโมง) ถ้า "
               "{hours} ชั่วโมงคือทั้งวัน ให้ตอบว่า \"รวม {hours} ชั่วโมง\" หรือพิมพ์ \"ไม่\" เพื่อหยุด"),
    },
    "calc_error": {
        "zh": "抱歉，這組資料沒辦法試算：{error}",
        "en": "Sorry, I cannot calculate with these answers: {error}",
        "id": "Maaf, jawaban ini tidak bisa dihitung: {error}",
        "vi": "Xin lỗi, không tính được với các câu trả lời này: {error}",
        "th": "ขออภัย คำนวณจากคำตอบเหล่านี้ไม่ได้: {error}",
    },
    "calc_again": {"zh": "再算一次", "en": "Calculate again", "id": "Hitung lagi", "vi": "Tính lại",
                   "th": "คำนวณอีกครั้ง"},
    "calc_result_money": {"zh": "結果：{value} 元", "en": "Result: NT${value}", "id": "Hasil: NT${value}",
                          "vi": "Kết quả: NT${value}", "th": "ผลลัพธ์: NT${value}"},
    "calc_result_days": {"zh": "結果：{value} 天", "en": "Result: {value} days", "id": "Hasil: {value} hari",
                         "vi": "Kết quả: {value} ngày", "th": "ผลลัพธ์: {value} วัน"},
    "calc_result_hours": {"zh": "結果：{value} 小時", "en": "Result: {value} hours", "id": "Hasil: {value} jam",
                          "vi": "Kết quả: {value} giờ", "th": "ผลลัพธ์: {value} ชั่วโมง"},
    "calc_result_ok": {"zh": "✅ 符合規定", "en": "✅ This meets the legal minimum.",
                       "id": "✅ Ini memenuhi batas minimum hukum.", "vi": "✅ Mức này đạt mức tối thiểu theo luật.",
                       "th": "✅ เป็นไปตามขั้นต่ำที่กฎหมายกำหนด"},
    "calc_result_below": {"zh": "⚠️ 低於法定標準", "en": "⚠️ This is below the legal minimum.",
                          "id": "⚠️ Ini di bawah batas minimum hukum.", "vi": "⚠️ Mức này thấp hơn mức tối thiểu theo luật.",
                          "th": "⚠️ ต่ำกว่าขั้นต่ำที่กฎหมายกำหนด"},
    "calc_formula": {
        "zh": "算法：{formula}",
        "en": "How it is calculated (in Chinese, the law's terms): {formula}",
        "id": "Cara menghitung (dalam bahasa Mandarin, istilah undang-undang): {formula}",
        "vi": "Cách tính (bằng tiếng Trung, theo thuật ngữ của luật): {formula}",
        "th": "วิธีคำนวณ (ภาษาจีน ตามถ้อยคำของกฎหมาย): {formula}",
    },
    "calc_basis": {"zh": "依據：{citations}", "en": "Legal basis: {citations}", "id": "Dasar hukum: {citations}",
                   "vi": "Căn cứ pháp lý: {citations}", "th": "อ้างอิงกฎหมาย: {citations}"},
    "calc_disclaimer": {
        "zh": "（試算僅供參考，個案請洽勞工局或 1955。）",
        "en": "(An estimate only. For your own case, contact the Labor Affairs Bureau or call 1955, free, "
              "24 hours, with interpreters.)",
        "id": "(Hanya perkiraan. Untuk kasus Anda, hubungi Dinas Tenaga Kerja atau 1955, gratis, 24 jam, "
              "ada penerjemah.)",
        "vi": "(Chỉ là ước tính. Với trường hợp cụ thể của bạn, hãy liên hệ Cục Lao động hoặc gọi 1955, miễn "
              "phí, 24 giờ, có phiên dịch.)",
        "th": "(เป็นการประมาณเท่านั้น สำหรับกรณีของคุณ ติดต่อสำนักแรงงาน หรือโทร 1955 ฟรี 24 ชั่วโมง มีล่าม)",
    },
    "calc_understood": {"zh": "我從您的訊息讀到：{said}", "en": "What I read from your answers: {said}",
                        "id": "Yang saya baca dari jawaban Anda: {said}", "vi": "Tôi hiểu từ câu trả lời của bạn: {said}",
                        "th": "สิ่งที่ฉันอ่านได้จากคำตอบของคุณ: {said}"},
    "calc_day_weekday": {"zh": "平日", "en": "weekday", "id": "hari biasa", "vi": "ngày thường", "th": "วันธรรมดา"},
    "calc_day_rest-day": {"zh": "休息日", "en": "rest day", "id": "hari istirahat", "vi": "ngày nghỉ ngơi",
                          "th": "วันหยุดพักผ่อน"},
    "calc_day_holiday": {"zh": "國定假日／特休日", "en": "public holiday or annual leave day",
                         "id": "hari libur nasional atau cuti tahunan", "vi": "ngày lễ hoặc ngày phép năm",
                         "th": "วันหยุดนักขัตฤกษ์หรือวันลาพักร้อน"},
    "calc_day_regular-day-off": {"zh": "例假", "en": "regular day off", "id": "hari libur reguler",
                                 "vi": "ngày nghỉ định kỳ", "th": "วันหยุดประจำสัปดาห์"},
    "calc_wage_monthly": {"zh": "月薪", "en": "monthly wage", "id": "gaji bulanan", "vi": "lương tháng",
                          "th": "เงินเดือน"},
    "calc_wage_hourly": {"zh": "時薪", "en": "hourly wage", "id": "upah per jam", "vi": "lương giờ",
                         "th": "ค่าจ้างรายชั่วโมง"},
    "calc_wage_daily": {"zh": "日薪", "en": "daily wage", "id": "upah harian", "vi": "lương ngày",
                        "th": "ค่าจ้างรายวัน"},
    "calc_wage_said": {"zh": "{label} {amount} 元", "en": "{label} NT${amount}", "id": "{label} NT${amount}",
                       "vi": "{label} NT${amount}", "th": "{label} จำนวน NT${amount}"},
    "calc_wage_inferred": {
        "zh": "（沒說月薪或時薪，依金額當作{label}）",
        "en": " (taken as a {label} from its size)",
        "id": " (dianggap {label} dari besarnya)",
        "vi": " (hiểu là {label} theo số tiền)",
        "th": " (ถือเป็น{label}ตามจำนวนเงิน)",
    },
    "calc_hours_said": {"zh": "{day}加班 {hours} 小時", "en": "{hours} hours of overtime on a {day}",
                        "id": "lembur {hours} jam pada {day}", "vi": "tăng ca {hours} giờ vào {day}",
                        "th": "ทำงานล่วงเวลา {hours} ชั่วโมงใน{day}"},
    "calc_hours_total_said": {"zh": "{day}那天總共工作 {hours} 小時", "en": "{hours} hours in total on a {day}",
                              "id": "total {hours} jam pada {day}", "vi": "tổng cộng {hours} giờ vào {day}",
                              "th": "รวม {hours} ชั่วโมงใน{day}"},
    "calc_date_said": {"zh": "{label} {date}", "en": "{label} {date}", "id": "{label} {date}",
                       "vi": "{label} {date}", "th": "{label} วันที่ {date}"},
    "calc_start_label": {"zh": "到職日", "en": "start date", "id": "tanggal mulai kerja",
                         "vi": "ngày bắt đầu làm việc", "th": "วันเริ่มงาน"},
    "calc_end_label": {"zh": "最後工作日", "en": "last working day", "id": "hari kerja terakhir",
                       "vi": "ngày làm việc cuối cùng", "th": "วันทำงานวันสุดท้าย"},
    "calc_birth_label": {"zh": "預產期", "en": "due date", "id": "perkiraan lahir", "vi": "ngày dự sinh",
                         "th": "วันกำหนดคลอด"},
    "calc_leave_start_label": {"zh": "產假開始", "en": "maternity leave starts", "id": "cuti mulai",
                               "vi": "bắt đầu nghỉ thai sản", "th": "เริ่มลาคลอด"},
    "calc_note_monthly": {
        "zh": "月薪 {wage} 元 ÷ 30 ÷ 8 ＝ 平日每小時工資 {rate} 元。",
        "en": "Monthly wage NT${wage} ÷ 30 ÷ 8 = normal hourly wage NT${rate}.",
        "id": "Gaji bulanan NT${wage} ÷ 30 ÷ 8 = upah per jam normal NT${rate}.",
        "vi": "Lương tháng NT${wage} ÷ 30 ÷ 8 = lương giờ bình thường NT${rate}.",
        "th": "เงินเดือน NT${wage} ÷ 30 ÷ 8 = ค่าจ้างปกติชั่วโมงละ NT${rate}",
    },
    "calc_note_daily": {
        "zh": "日薪 {wage} 元 ÷ 8 小時 ＝ 時薪 {rate} 元（以每日正常工時8小時計），按日計酬比照時薪制。",
        "en": "Daily wage NT${wage} ÷ 8 hours = hourly wage NT${rate} (a normal day is 8 hours); a daily wage "
              "is counted like an hourly wage.",
        "id": "Upah harian NT${wage} ÷ 8 jam = upah per jam NT${rate} (hari kerja normal 8 jam); upah harian "
              "dihitung seperti upah per jam.",
        "vi": "Lương ngày NT${wage} ÷ 8 giờ = lương giờ NT${rate} (ngày làm bình thường 8 giờ); lương ngày được "
              "tính như lương giờ.",
        "th": "ค่าจ้างรายวัน NT${wage} ÷ 8 ชั่วโมง = ชั่วโมงละ NT${rate} (วันทำงานปกติ 8 ชั่วโมง) "
              "ค่าจ้างรายวันคิดแบบเดียวกับรายชั่วโมง",
    },
    "calc_note_total": {
        "zh": "那天總共工作 {total} 小時：扣掉每日正常工時 8 小時，加班 {over} 小時。",
        "en": "{total} hours worked that day: minus the normal 8 hours, {over} hours of overtime.",
        "id": "Total {total} jam kerja hari itu: dikurangi 8 jam normal, lembur {over} jam.",
        "vi": "Tổng cộng {total} giờ làm hôm đó: trừ 8 giờ bình thường, tăng ca {over} giờ.",
        "th": "วันนั้นทำงานรวม {total} ชั่วโมง หักเวลาทำงานปกติ 8 ชั่วโมง เป็นล่วงเวลา {over} ชั่วโมง",
    },
    "calc_note_weekday": {
        "zh": "平日加班 {said} 小時：正常工時 8 小時加上加班 {said} 小時，當天共 {total} 小時。",
        "en": "{said} hours of overtime on a weekday: the normal 8 hours plus {said}, {total} hours that day.",
        "id": "Lembur {said} jam pada hari biasa: 8 jam normal ditambah {said} jam, total {total} jam hari itu.",
        "vi": "Tăng ca {said} giờ ngày thường: 8 giờ bình thường cộng {said} giờ, tổng {total} giờ hôm đó.",
        "th": "ล่วงเวลา {said} ชั่วโมงในวันธรรมดา: เวลาปกติ 8 ชั่วโมงบวก {said} ชั่วโมง รวม {total} ชั่วโมงในวันนั้น",
    },
    "calc_note_dayoff": {
        "zh": "{day}出勤的時數全部計算，以當天工作 {total} 小時計。",
        "en": "Every hour worked on a {day} counts: {total} hours that day.",
        "id": "Semua jam kerja pada {day} dihitung: {total} jam hari itu.",
        "vi": "Mọi giờ làm vào {day} đều được tính: {total} giờ hôm đó.",
        "th": "ทุกชั่วโมงที่ทำงานใน{day}นับทั้งหมด: {total} ชั่วโมงในวันนั้น",
    },
    # The campus quiz (actions/quiz.py; questions in quiz/questions.yml and quiz/questions_i18n.yml).
    "quiz_intro": {
        "zh": ("校園勞動權益小測驗開始！一共 {total} 題，點選答案或直接輸入 A、B、C、D。"
               "每題答完都會說明法律依據，想停下來隨時按「結束測驗」。"),
        "en": ("Labour rights quiz! {total} questions: tap an answer or type A, B, C or D. After each answer "
               "you see the legal basis. To stop, tap \"End quiz\" at any time."),
        "id": ("Kuis hak pekerja dimulai! Ada {total} soal: ketuk jawaban atau ketik A, B, C atau D. Setiap "
               "jawaban disertai dasar hukumnya. Untuk berhenti, ketuk \"Selesai kuis\" kapan saja."),
        "vi": ("Bắt đầu câu đố về quyền lao động! Có {total} câu: bấm đáp án hoặc gõ A, B, C, D. Sau mỗi câu "
               "sẽ có căn cứ pháp lý. Muốn dừng, bấm \"Kết thúc\" bất cứ lúc nào."),
        "th": ("เริ่มแบบทดสอบสิทธิแรงงาน! มีทั้งหมด {total} ข้อ แตะคำตอบหรือพิมพ์ A, B, C หรือ D "
               "ตอบแต่ละข้อแล้วจะมีคำอธิบายทางกฎหมาย หากต้องการหยุด แตะ \"จบแบบทดสอบ\" ได้ทุกเมื่อ"),
    },
    "quiz_ask": {
        "zh": "第 {number}／{total} 題：{question}",
        "en": "Question {number}/{total}: {question}",
        "id": "Soal {number}/{total}: {question}",
        "vi": "Câu {number}/{total}: {question}",
        "th": "ข้อ {number}/{total}: {question}",
    },
    "quiz_stale_button": {
        "zh": "那是前面題目的按鈕喔，請回答目前這一題：",
        "en": "That button belongs to an earlier question. Please answer this one:",
        "id": "Tombol itu untuk soal sebelumnya. Silakan jawab soal ini:",
        "vi": "Nút đó của câu trước. Vui lòng trả lời câu này:",
        "th": "ปุ่มนั้นเป็นของข้อก่อนหน้า กรุณาตอบข้อนี้:",
    },
    "quiz_reask": {
        "zh": "請回答 A、B、C 或 D（也可以輸入 1–4）；想離開請按「結束測驗」。",
        "en": "Please answer A, B, C or D (or type 1-4). To leave, tap \"End quiz\".",
        "id": "Silakan jawab A, B, C atau D (atau ketik 1-4). Untuk keluar, ketuk \"Selesai kuis\".",
        "vi": "Vui lòng trả lời A, B, C hoặc D (hoặc gõ 1-4). Muốn thoát, bấm \"Kết thúc\".",
        "th": "กรุณาตอบ A, B, C หรือ D (หรือพิมพ์ 1-4) หากต้องการออก แตะ \"จบแบบทดสอบ\"",
    },
    "quiz_restart": {
        "zh": "好，重新開始一輪！",
        "en": "OK, starting a new round!",
        "id": "Baik, mulai babak baru!",
        "vi": "Được, bắt đầu lượt mới!",
        "th": "ได้เลย เริ่มรอบใหม่!",
    },
    "quiz_right": {
        "zh": "✅ 答對了！", "en": "✅ Correct!", "id": "✅ Benar!", "vi": "✅ Đúng rồi!", "th": "✅ ถูกต้อง!",
    },
    "quiz_wrong": {
        "zh": "❌ 答錯了，正確答案是 {letter}. {option}",
        "en": "❌ Not quite. The right answer is {letter}. {option}",
        "id": "❌ Kurang tepat. Jawaban yang benar {letter}. {option}",
        "vi": "❌ Chưa đúng. Đáp án đúng là {letter}. {option}",
        "th": "❌ ยังไม่ถูก คำตอบที่ถูกคือ {letter}. {option}",
    },
    "quiz_result_stopped": {
        "zh": "測驗已結束。你回答了 {answered} 題，答對 {score} 題。",
        "en": "The quiz has ended. You answered {answered} and got {score} right. ",
        "id": "Kuis selesai. Anda menjawab {answered} soal, {score} benar. ",
        "vi": "Câu đố đã kết thúc. Bạn trả lời {answered} câu, đúng {score} câu. ",
        "th": "จบแบบทดสอบแล้ว คุณตอบ {answered} ข้อ ถูก {score} ข้อ ",
    },
    "quiz_result_finished": {
        "zh": "測驗結束！你答對 {score}／{total} 題。",
        "en": "Quiz over! You got {score}/{total} right. ",
        "id": "Kuis selesai! Anda benar {score}/{total} soal. ",
        "vi": "Hết câu đố! Bạn đúng {score}/{total} câu. ",
        "th": "จบแบบทดสอบ! คุณตอบถูก {score}/{total} ข้อ ",
    },
    "quiz_comment_perfect": {
        "zh": "全部答對，太厲害了！打工求職時也記得保護自己 💪",
        "en": "All correct, well done! Remember to protect yourself at work too 💪",
        "id": "Semua benar, hebat! Tetap lindungi diri Anda saat bekerja 💪",
        "vi": "Đúng hết, giỏi quá! Khi đi làm nhớ tự bảo vệ mình nhé 💪",
        "th": "ถูกทุกข้อ เก่งมาก! เวลาทำงานอย่าลืมปกป้องตัวเองด้วย 💪",
    },
    "quiz_comment_good": {
        "zh": "很不錯！對勞動權益已經有基本的認識。",
        "en": "Very good! You already know the basics of your labour rights.",
        "id": "Bagus! Anda sudah paham dasar-dasar hak pekerja.",
        "vi": "Rất tốt! Bạn đã hiểu cơ bản về quyền lao động.",
        "th": "ดีมาก! คุณรู้เรื่องสิทธิแรงงานพื้นฐานแล้ว",
    },
    "quiz_comment_more": {
        "zh": "可以再多了解一點：打工前先確認薪資、工時和保險，遇到要先付錢或交證件的工作要提高警覺。",
        "en": ("Worth learning a bit more: check the pay, hours and insurance before you start, and be "
               "careful with jobs that ask you to pay first or hand over your documents."),
        "id": ("Ada baiknya belajar lagi: pastikan gaji, jam kerja dan asuransi sebelum mulai, dan waspadai "
               "pekerjaan yang meminta Anda membayar dulu atau menyerahkan dokumen."),
        "vi": ("Nên tìm hiểu thêm: trước khi làm hãy hỏi rõ lương, giờ làm và bảo hiểm, cẩn thận với việc "
               "bắt nộp tiền trước hay giao giấy tờ."),
        "th": ("ควรเรียนรู้เพิ่มอีกนิด: ก่อนเริ่มงานให้ตรวจสอบค่าจ้าง เวลาทำงาน และประกัน "
               "ระวังงานที่ให้จ่ายเงินก่อนหรือให้ส่งมอบเอกสาร"),
    },
    "quiz_result_tail": {
        "zh": "\n有問題隨時問我，或撥 1955 勞工諮詢專線。",
        "en": "\nAsk me anything, or call 1955 (free, 24 hours, with interpreters).",
        "id": "\nTanyakan apa saja kepada saya, atau telepon 1955 (gratis, 24 jam, ada penerjemah).",
        "vi": "\nCứ hỏi tôi bất cứ lúc nào, hoặc gọi 1955 (miễn phí, 24 giờ, có phiên dịch).",
        "th": "\nถามฉันได้ทุกเมื่อ หรือโทร 1955 (ฟรี 24 ชั่วโมง มีล่าม)",
    },
    "quiz_late": {
        "zh": "這一輪測驗已經結束了。要再挑戰一次嗎？",
        "en": "This round of the quiz has already ended. Want to try again?",
        "id": "Babak kuis ini sudah selesai. Mau coba lagi?",
        "vi": "Lượt câu đố này đã kết thúc. Bạn muốn thử lại không?",
        "th": "แบบทดสอบรอบนี้จบไปแล้ว อยากลองอีกครั้งไหม",
    },
    "quiz_stop_button": {
        "zh": "結束測驗", "en": "End quiz", "id": "Selesai kuis", "vi": "Kết thúc", "th": "จบแบบทดสอบ",
    },
    "quiz_again_button": {
        "zh": "再玩一次", "en": "Play again", "id": "Main lagi", "vi": "Chơi lại", "th": "เล่นอีกครั้ง",
    },
}

# Questions offered on the greeting of a non-Chinese conversation: tapping one sends it as a message,
# which the knowledge base answers in that language (the Chinese greeting keeps its topic buttons).
STARTER_QUESTIONS: Dict[str, tuple[str, ...]] = {
    "en": ("Can my employer keep my passport?", "Can I change my employer?", "How is overtime pay calculated?",
           "What fees can a broker charge me?", "Do I get a day off every week?"),
    "id": ("Apakah majikan boleh menahan paspor saya?", "Apakah saya bisa pindah majikan?",
           "Bagaimana cara menghitung uang lembur?", "Biaya apa saja yang boleh dipungut agen?",
           "Apakah saya berhak libur setiap minggu?"),
    "vi": ("Chủ có được giữ hộ chiếu của tôi không?", "Tôi có thể đổi chủ được không?",
           "Tiền làm thêm giờ được tính thế nào?", "Công ty môi giới được thu những phí gì?",
           "Mỗi tuần tôi có được nghỉ một ngày không?"),
    "th": ("นายจ้างยึดหนังสือเดินทางของฉันได้ไหม", "ฉันเปลี่ยนนายจ้างได้ไหม", "ค่าล่วงเวลาคิดอย่างไร",
           "บริษัทจัดหางานเก็บค่าอะไรได้บ้าง", "ฉันได้หยุดสัปดาห์ละหนึ่งวันไหม"),
}


def known(lang: Optional[str]) -> str:
    """`lang` when the bot answers in it, else Chinese."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: Optional[str], **values: Any) -> str:
    """The catalog text `key` in `lang` (Chinese for an unknown language), filled with `values`."""
    found = CATALOG[key][known(lang)]
    return found.format(**values) if values else found


def _hint(tracker: Tracker) -> Optional[str]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") in ("language", "language_hint") and entity.get("value") in LANGUAGES:
            return str(entity["value"])
    return None


def language_of(tracker: Tracker) -> str:
    """The conversation's language: the slot, else this message's language (a conversation that has
    none yet: 「halo」), else Chinese."""
    slot = tracker.get_slot(SLOT)
    if slot in LANGUAGES:
        return str(slot)
    return _hint(tracker) or DEFAULT_LANGUAGE


def language_events(tracker: Tracker) -> List[Dict[str, Any]]:
    """Set the slot from this message's hint when the conversation has no language yet."""
    if tracker.get_slot(SLOT) in LANGUAGES:
        return []
    hint = _hint(tracker)
    return [SlotSet(SLOT, hint)] if hint and hint != DEFAULT_LANGUAGE else []


# Names a person may type to ask for a language (set_language typed, not tapped).
_NAMES: Dict[str, tuple[str, ...]] = {
    "zh": ("中文", "華語", "国语", "國語", "chinese", "mandarin"),
    "en": ("english", "inggris", "tiếng anh", "tieng anh", "อังกฤษ", "英文", "英語"),
    "id": ("indonesia", "bahasa", "indo", "印尼"),
    "vi": ("việt", "viet", "vietnam", "越南"),
    "th": ("ไทย", "thai", "泰"),
}


def named_language(message: str) -> Optional[str]:
    """The language a typed message names ("English please", "bahasa indonesia"), or None."""
    low = (message or "").lower()
    for lang in ("en", "vi", "th", "id", "zh"):  # "bahasa" alone is Indonesian, after the others
        if any(name in low for name in _NAMES[lang]):
            return lang
    return None
