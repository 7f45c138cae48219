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
