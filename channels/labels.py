"""The gateway's own words in the five languages: the labels the LINE and Telegram renderings add around
an answer (法源依據, 看法條原文, 找真人, 有幫助嗎…), the replies the gateway gives without Rasa (empty or
too long a message, rate limits, Rasa down, stickers and pictures), the emergency numbers and the rich
menus' areas (docs/languages.md, "The channels' own labels").

The Chinese texts are the ones the gateway always sent: a reply in Chinese is byte-identical to what it
was before the other languages came. Every key has all five languages (tests/gateway/test_labels.py).

Which language:
* a reply from Rasa: the `language` the actions put in a message's meta block (`reply_language`);
  a reply without one is Chinese.
* a reply the gateway gives before Rasa answers (empty, too long, rate limited, busy, Rasa down, danger
  words): the message's own detection (`message_language`) — only a message long and sure enough to
  switch a conversation (labourbot.language `Detection.switches`, 4+ words) or a short one that is
  clearly Indonesian, Vietnamese or Thai (`Detection.hints`: "halo", "xin chào", Thai script), and a
  short one written in Chinese gets Chinese. A short "hi", "ok" or "help" is typed by Chinese speakers
  as well: those keep the conversation's language, else Chinese. A message without text
  (a sticker, a picture) takes the conversation's language when the channel knows it, else Chinese.
"""

from __future__ import annotations

from typing import Any, Final, Optional

from labourbot.language import DEFAULT_LANGUAGE, LANGUAGES, MIN_HINT_CONFIDENCE, detect

LABELS: Final[dict[str, dict[str, str]]] = {
    # ------------------------------------------------------------------ answer cards and keyboards
    "app_name": {
        "zh": "勞動法令小幫手",
        "en": "Labour Law Helper",
        "id": "Asisten Hukum Ketenagakerjaan",
        "vi": "Trợ lý Luật Lao động",
        "th": "ผู้ช่วยกฎหมายแรงงาน",
    },
    "full_text_above": {
        "zh": "（完整說明在上方訊息）",
        "en": "(The full answer is in the message above.)",
        "id": "(Jawaban lengkap ada di pesan di atas.)",
        "vi": "(Câu trả lời đầy đủ ở tin nhắn phía trên.)",
        "th": "(คำตอบฉบับเต็มอยู่ในข้อความด้านบน)",
    },
    "legal_basis": {
        "zh": "法源依據",
        "en": "Legal basis",
        "id": "Dasar hukum",
        "vi": "Căn cứ pháp lý",
        "th": "อ้างอิงกฎหมาย",  # the words actions/i18n.py "basis" closes a translated answer with
    },
    "show_article": {
        "zh": "看法條原文",
        "en": "Read the article",
        "id": "Baca pasalnya",
        "vi": "Xem điều luật",
        "th": "อ่านตัวบทกฎหมาย",
    },
    "show_article_of": {
        "zh": "看法條原文：{citation}",
        "en": "Read the article: {citation}",
        "id": "Baca pasal: {citation}",
        "vi": "Xem điều luật: {citation}",
        "th": "อ่านตัวบท: {citation}",
    },
    "human": {
        "zh": "找真人",
        "en": "Talk to a person",
        "id": "Hubungi petugas",
        "vi": "Gặp nhân viên",
        "th": "คุยกับเจ้าหน้าที่",
    },
    "helpful": {
        "zh": "有幫助嗎？",
        "en": "Was this helpful?",
        "id": "Apakah ini membantu?",
        "vi": "Có hữu ích không?",
        "th": "มีประโยชน์ไหม?",
    },
    "helpful_answer": {
        "zh": "這個回答有幫助嗎？",
        "en": "Was this answer helpful?",
        "id": "Apakah jawaban ini membantu?",
        "vi": "Câu trả lời này có hữu ích không?",
        "th": "คำตอบนี้มีประโยชน์ไหม?",
    },
    "title_separator": {"zh": "：", "en": ": ", "id": ": ", "vi": ": ", "th": ": "},
    "alt_citations": {
        "zh": "（依據：{citations}）",
        "en": " (Legal basis: {citations})",
        "id": " (Dasar hukum: {citations})",
        "vi": " (Căn cứ: {citations})",
        "th": " (อ้างอิงกฎหมาย: {citations})",
    },
    "list_separator": {"zh": "、", "en": ", ", "id": ", ", "vi": ", ", "th": ", "},
    "choose": {
        "zh": "請選擇：",
        "en": "Please choose:",
        "id": "Silakan pilih:",
        "vi": "Vui lòng chọn:",
        "th": "กรุณาเลือก:",
    },
    "job": {"zh": "職缺", "en": "Job", "id": "Lowongan", "vi": "Việc làm", "th": "ตำแหน่งงาน"},
    "jobs_alt": {
        "zh": "職缺：",
        "en": "Jobs: ",
        "id": "Lowongan: ",
        "vi": "Việc làm: ",
        "th": "ตำแหน่งงาน: ",
    },
    "job_details": {
        "zh": "看職缺詳情",
        "en": "Job details",
        "id": "Detail lowongan",
        "vi": "Chi tiết việc làm",
        "th": "ดูรายละเอียดงาน",
    },
    "ask_about_job": {
        "zh": "問這個職缺",
        "en": "Ask about this job",
        "id": "Tanya lowongan ini",
        "vi": "Hỏi về việc này",
        "th": "ถามเรื่องงานนี้",
    },
    # ------------------------------------------------------------------ replies the gateway gives itself
    "empty_input": {
        "zh": "您傳來的訊息是空白的 🙂 請直接打出想問的勞動權益問題，例如「加班費怎麼算」。",
        "en": "Your message was empty 🙂 Please type your question about your rights at work, "
              "for example \"How is overtime pay calculated?\"",
        "id": "Pesan Anda kosong 🙂 Silakan ketik pertanyaan Anda tentang hak pekerja, "
              "misalnya \"Bagaimana upah lembur dihitung?\"",
        "vi": "Tin nhắn của bạn bị trống 🙂 Hãy gõ câu hỏi về quyền lợi lao động, "
              "ví dụ \"Tiền tăng ca được tính thế nào?\"",
        "th": "ข้อความของคุณว่างเปล่า 🙂 กรุณาพิมพ์คำถามเรื่องสิทธิแรงงาน เช่น \"ค่าล่วงเวลาคิดอย่างไร\"",
    },
    "too_long_note": {
        "zh": "（您的訊息很長，我先讀前 {limit} 個字來回答；詳細狀況可以輸入「找真人」由同仁協助。）",
        "en": "(Your message is long: I read its first {limit} characters to answer. "
              "To explain everything to a person, tap \"Talk to a person\".)",
        "id": "(Pesan Anda panjang: saya membaca {limit} karakter pertama untuk menjawab. "
              "Untuk menjelaskan semuanya kepada petugas, ketuk \"Hubungi petugas\".)",
        "vi": "(Tin nhắn của bạn dài: tôi đọc {limit} ký tự đầu để trả lời. "
              "Để trình bày đầy đủ với nhân viên, hãy bấm \"Gặp nhân viên\".)",
        "th": "(ข้อความของคุณยาว ฉันอ่าน {limit} ตัวอักษรแรกเพื่อตอบ "
              "หากต้องการเล่ารายละเอียดให้เจ้าหน้าที่ฟัง กด \"คุยกับเจ้าหน้าที่\")",
    },
    "rate_limited": {
        "zh": "您傳得有點快 🙂 請稍等幾秒再傳下一則，我會繼續回答您。",
        "en": "You are sending messages a little fast 🙂 Please wait a few seconds before the next one; "
              "I will keep answering.",
        "id": "Anda mengirim pesan agak cepat 🙂 Mohon tunggu beberapa detik sebelum pesan berikutnya; "
              "saya akan terus menjawab.",
        "vi": "Bạn gửi tin hơi nhanh 🙂 Vui lòng đợi vài giây rồi gửi tin tiếp theo; tôi sẽ tiếp tục trả lời.",
        "th": "คุณส่งข้อความเร็วไปหน่อย 🙂 กรุณารอสักครู่ก่อนส่งข้อความถัดไป ฉันจะตอบต่อให้",
    },
    "busy": {
        "zh": "目前同一個網路位址同時送來太多訊息，我有點忙不過來 🙏 請等幾秒再傳一次；急需協助請直接撥 1955（24 小時免付費）。",
        "en": "Too many messages are coming from the same network right now 🙏 Please send yours again in a "
              "few seconds. If you need help urgently, call 1955 (free, 24 hours, with interpreters).",
        "id": "Terlalu banyak pesan dari jaringan yang sama saat ini 🙏 Silakan kirim lagi dalam beberapa "
              "detik. Jika butuh bantuan segera, telepon 1955 (gratis, 24 jam, ada penerjemah).",
        "vi": "Hiện có quá nhiều tin nhắn từ cùng một mạng 🙏 Vui lòng gửi lại sau vài giây. "
              "Nếu cần giúp đỡ gấp, hãy gọi 1955 (miễn phí, 24 giờ, có phiên dịch).",
        "th": "ขณะนี้มีข้อความจากเครือข่ายเดียวกันมากเกินไป 🙏 กรุณาส่งใหม่อีกครั้งในไม่กี่วินาที "
              "หากต้องการความช่วยเหลือด่วน โทร 1955 (ฟรี 24 ชั่วโมง มีล่าม)",
    },
    "unavailable": {
        "zh": "抱歉，系統暫時忙碌，訊息沒有處理完成，請過一會兒再傳一次；急需協助請撥 1955。",
        "en": "Sorry, the system is busy and your message was not handled. Please send it again in a "
              "moment. If you need help urgently, call 1955.",
        "id": "Maaf, sistem sedang sibuk dan pesan Anda belum diproses. Silakan kirim lagi sebentar lagi. "
              "Jika butuh bantuan segera, telepon 1955.",
        "vi": "Xin lỗi, hệ thống đang bận và tin nhắn của bạn chưa được xử lý. Vui lòng gửi lại sau ít phút. "
              "Nếu cần giúp đỡ gấp, hãy gọi 1955.",
        "th": "ขออภัย ระบบไม่ว่างชั่วคราวและยังไม่ได้ประมวลผลข้อความของคุณ กรุณาส่งใหม่อีกครั้งในอีกสักครู่ "
              "หากต้องการความช่วยเหลือด่วน โทร 1955",
    },
    "retry": {"zh": "再試一次", "en": "Try again", "id": "Coba lagi", "vi": "Thử lại", "th": "ลองอีกครั้ง"},
    "sticker": {
        "zh": "收到您的貼圖 😊 有勞動權益的問題，直接打字問我就可以了，例如「加班費怎麼算」，或點選下面的主題：",
        "en": "Thanks for the sticker 😊 If you have a question about your rights at work, just type it, "
              "for example \"How is overtime pay calculated?\", or pick a topic below:",
        "id": "Terima kasih stikernya 😊 Kalau ada pertanyaan tentang hak pekerja, ketik saja, misalnya "
              "\"Bagaimana upah lembur dihitung?\", atau pilih topik di bawah:",
        "vi": "Cảm ơn bạn đã gửi nhãn dán 😊 Nếu có câu hỏi về quyền lợi lao động, hãy gõ câu hỏi, ví dụ "
              "\"Tiền tăng ca được tính thế nào?\", hoặc chọn một chủ đề bên dưới:",
        "th": "ขอบคุณสำหรับสติกเกอร์ 😊 หากมีคำถามเรื่องสิทธิแรงงาน พิมพ์ถามได้เลย เช่น "
              "\"ค่าล่วงเวลาคิดอย่างไร\" หรือเลือกหัวข้อด้านล่าง:",
    },
    "image": {
        "zh": "謝謝您傳來的圖片，不過我目前還看不懂圖片 🙏\n"
              "如果是薪資單、徵才廣告或工作合約，請把重點打成文字告訴我，例如「月薪 28000，每天工作 10 小時，沒有加班費」。"
              "需要同仁看資料的話，請點「找真人」。",
        "en": "Thank you for the picture, but I cannot read pictures yet 🙏\n"
              "If it is a payslip, a job advert or a contract, please type the main points, for example "
              "\"salary 28000 a month, 10 hours a day, no overtime pay\". "
              "If a staff member should look at it, tap \"Talk to a person\".",
        "id": "Terima kasih atas gambarnya, tetapi saya belum bisa membaca gambar 🙏\n"
              "Jika itu slip gaji, iklan lowongan atau kontrak kerja, ketik poin pentingnya, misalnya "
              "\"gaji 28000 sebulan, kerja 10 jam sehari, tidak ada uang lembur\". "
              "Jika petugas perlu melihatnya, ketuk \"Hubungi petugas\".",
        "vi": "Cảm ơn bạn đã gửi hình, nhưng tôi chưa đọc được hình ảnh 🙏\n"
              "Nếu đó là phiếu lương, tin tuyển dụng hay hợp đồng, hãy gõ các ý chính, ví dụ "
              "\"lương 28000 một tháng, làm 10 tiếng mỗi ngày, không có tiền tăng ca\". "
              "Nếu cần nhân viên xem, hãy bấm \"Gặp nhân viên\".",
        "th": "ขอบคุณสำหรับรูปภาพ แต่ฉันยังอ่านรูปภาพไม่ได้ 🙏\n"
              "หากเป็นสลิปเงินเดือน ประกาศรับสมัครงาน หรือสัญญาจ้าง กรุณาพิมพ์ใจความสำคัญ เช่น "
              "\"เงินเดือน 28000 ทำงานวันละ 10 ชั่วโมง ไม่มีค่าล่วงเวลา\" "
              "หากต้องการให้เจ้าหน้าที่ดู กด \"คุยกับเจ้าหน้าที่\"",
    },
    "audio": {
        "zh": "抱歉，我目前還聽不懂語音訊息 🙏 請用文字輸入您的問題；"
              "想直接和人說話，可以撥打勞動部 1955 勞工諮詢專線（24 小時、免付費，也有外語服務）。",
        "en": "Sorry, I cannot listen to voice messages yet 🙏 Please type your question. To talk to a person, "
              "call the Ministry of Labor's 1955 hotline (free, 24 hours, in your language too).",
        "id": "Maaf, saya belum bisa mendengar pesan suara 🙏 Silakan ketik pertanyaan Anda. Untuk bicara "
              "dengan orang, telepon layanan 1955 Kementerian Tenaga Kerja (gratis, 24 jam, ada bahasa Indonesia).",
        "vi": "Xin lỗi, tôi chưa nghe được tin nhắn thoại 🙏 Vui lòng gõ câu hỏi. Muốn nói chuyện với người, "
              "hãy gọi đường dây 1955 của Bộ Lao động (miễn phí, 24 giờ, có tiếng Việt).",
        "th": "ขออภัย ฉันยังฟังข้อความเสียงไม่ได้ 🙏 กรุณาพิมพ์คำถาม หากต้องการคุยกับคน "
              "โทรสายด่วน 1955 ของกระทรวงแรงงาน (ฟรี 24 ชั่วโมง มีภาษาไทย)",
    },
    "video": {
        "zh": "抱歉，我目前還看不懂影片 🙏 請用文字描述您的狀況，我會盡力回答。",
        "en": "Sorry, I cannot watch videos yet 🙏 Please describe your situation in words and I will do my best.",
        "id": "Maaf, saya belum bisa menonton video 🙏 Silakan ceritakan keadaan Anda dengan tulisan, "
              "saya akan berusaha menjawab.",
        "vi": "Xin lỗi, tôi chưa xem được video 🙏 Hãy mô tả tình huống bằng chữ, tôi sẽ cố gắng trả lời.",
        "th": "ขออภัย ฉันยังดูวิดีโอไม่ได้ 🙏 กรุณาเล่าสถานการณ์เป็นข้อความ ฉันจะพยายามตอบ",
    },
    "file": {
        "zh": "抱歉，我目前無法開啟檔案 🙏 請把想問的內容用文字打給我；需要同仁看文件的話，請點「找真人」。",
        "en": "Sorry, I cannot open files 🙏 Please type what you want to ask. "
              "If a staff member should see the document, tap \"Talk to a person\".",
        "id": "Maaf, saya tidak bisa membuka berkas 🙏 Silakan ketik yang ingin Anda tanyakan. "
              "Jika petugas perlu melihat dokumennya, ketuk \"Hubungi petugas\".",
        "vi": "Xin lỗi, tôi không mở được tệp 🙏 Hãy gõ điều bạn muốn hỏi. "
              "Nếu cần nhân viên xem tài liệu, hãy bấm \"Gặp nhân viên\".",
        "th": "ขออภัย ฉันเปิดไฟล์ไม่ได้ 🙏 กรุณาพิมพ์สิ่งที่ต้องการถาม "
              "หากต้องการให้เจ้าหน้าที่ดูเอกสาร กด \"คุยกับเจ้าหน้าที่\"",
    },
    "location": {
        "zh": "收到您的位置{where}。想找這附近的工作嗎？也可以直接問我勞動權益的問題。",
        "en": "Got your location{where}. Looking for work nearby? You can also ask me about your rights at work.",
        "id": "Lokasi Anda sudah diterima{where}. Mencari kerja di sekitar sini? "
              "Anda juga bisa bertanya tentang hak pekerja.",
        "vi": "Đã nhận vị trí của bạn{where}. Bạn muốn tìm việc gần đây? "
              "Bạn cũng có thể hỏi tôi về quyền lợi lao động.",
        "th": "ได้รับตำแหน่งของคุณแล้ว{where} ต้องการหางานแถวนี้ไหม? หรือถามเรื่องสิทธิแรงงานได้เลย",
    },
    "unsupported": {
        "zh": "抱歉，這種訊息我還看不懂 🙏 請用文字輸入您的問題。",
        "en": "Sorry, I cannot read this kind of message yet 🙏 Please type your question.",
        "id": "Maaf, saya belum bisa membaca pesan jenis ini 🙏 Silakan ketik pertanyaan Anda.",
        "vi": "Xin lỗi, tôi chưa đọc được loại tin nhắn này 🙏 Vui lòng gõ câu hỏi của bạn.",
        "th": "ขออภัย ฉันยังอ่านข้อความประเภทนี้ไม่ได้ 🙏 กรุณาพิมพ์คำถามของคุณ",
    },
    "find_job": {"zh": "找工作", "en": "Find a job", "id": "Cari kerja", "vi": "Tìm việc", "th": "หางาน"},
    "expired_button": {
        "zh": "這個按鈕已經失效了（系統更新過），請直接打字問我，或點選下面的主題：",
        "en": "This button no longer works (the system was updated). Please type your question or pick a topic below:",
        "id": "Tombol ini sudah tidak berlaku (sistem diperbarui). Silakan ketik pertanyaan atau pilih topik di bawah:",
        "vi": "Nút này không còn dùng được (hệ thống đã cập nhật). Hãy gõ câu hỏi hoặc chọn chủ đề bên dưới:",
        "th": "ปุ่มนี้ใช้ไม่ได้แล้ว (ระบบมีการปรับปรุง) กรุณาพิมพ์คำถามหรือเลือกหัวข้อด้านล่าง:",
    },
    # ------------------------------------------------------------------ topic shortcuts (zh: TOPIC_LABELS)
    "topic_overtime": {
        "zh": "加班與加班費", "en": "Overtime and overtime pay", "id": "Lembur dan upah lembur",
        "vi": "Tăng ca và tiền tăng ca", "th": "การทำงานล่วงเวลาและค่าล่วงเวลา",
    },
    "topic_annual_leave": {
        "zh": "特別休假", "en": "Annual paid leave", "id": "Cuti tahunan", "vi": "Nghỉ phép năm",
        "th": "วันหยุดพักผ่อนประจำปี",
    },
    "topic_termination_severance": {
        "zh": "資遣、解僱與離職", "en": "Dismissal, severance and quitting", "id": "PHK, pesangon dan berhenti",
        "vi": "Sa thải, trợ cấp thôi việc và nghỉ việc", "th": "การเลิกจ้าง ค่าชดเชย และการลาออก",
    },
    "topic_occupational_injury": {
        "zh": "職業災害", "en": "Injuries at work", "id": "Kecelakaan kerja", "vi": "Tai nạn lao động",
        "th": "การบาดเจ็บจากการทำงาน",
    },
    "topic_job_scam": {
        "zh": "求職防騙", "en": "Job scams", "id": "Penipuan lowongan", "vi": "Lừa đảo việc làm",
        "th": "มิจฉาชีพหางาน",
    },
    "topic_part_time_students": {
        "zh": "兼職與學生打工", "en": "Part-time work and students", "id": "Kerja paruh waktu dan pelajar",
        "vi": "Làm thêm và sinh viên", "th": "งานพาร์ทไทม์และนักศึกษา",
    },
    # ------------------------------------------------------------------ emergency (added under the Chinese)
    "emergency": {
        "zh": "您的安全最重要。如果現在有危險，請立刻撥打：\n"
              "・110 報案（警察）\n"
              "・119 救護、消防\n"
              "・113 保護專線（家庭暴力、性侵害、性騷擾）\n"
              "・1925 安心專線（24 小時心理支持）\n"
              "・1955 勞工諮詢專線（24 小時、免付費）",
        "en": "Your safety comes first. If you are in danger now, call at once:\n"
              "・110 police\n"
              "・119 ambulance and fire\n"
              "・113 protection hotline (domestic violence, sexual assault, sexual harassment)\n"
              "・1925 mental health support (24 hours)\n"
              "・1955 labour hotline (free, 24 hours, with interpreters)",
        "id": "Keselamatan Anda yang utama. Jika Anda dalam bahaya sekarang, segera telepon:\n"
              "・110 polisi\n"
              "・119 ambulans dan pemadam kebakaran\n"
              "・113 layanan perlindungan (kekerasan dalam rumah tangga, kekerasan seksual, pelecehan seksual)\n"
              "・1925 dukungan kesehatan jiwa (24 jam)\n"
              "・1955 layanan pekerja (gratis, 24 jam, ada penerjemah bahasa Indonesia)",
        "vi": "An toàn của bạn là quan trọng nhất. Nếu bạn đang gặp nguy hiểm, hãy gọi ngay:\n"
              "・110 cảnh sát\n"
              "・119 cấp cứu và cứu hỏa\n"
              "・113 đường dây bảo vệ (bạo lực gia đình, xâm hại tình dục, quấy rối tình dục)\n"
              "・1925 hỗ trợ tâm lý (24 giờ)\n"
              "・1955 đường dây lao động (miễn phí, 24 giờ, có phiên dịch tiếng Việt)",
        "th": "ความปลอดภัยของคุณสำคัญที่สุด หากตอนนี้คุณตกอยู่ในอันตราย โทรทันที:\n"
              "・110 ตำรวจ\n"
              "・119 รถพยาบาลและดับเพลิง\n"
              "・113 สายด่วนคุ้มครอง (ความรุนแรงในครอบครัว การล่วงละเมิดทางเพศ การคุกคามทางเพศ)\n"
              "・1925 สายด่วนสุขภาพจิต (24 ชั่วโมง)\n"
              "・1955 สายด่วนแรงงาน (ฟรี 24 ชั่วโมง มีล่ามภาษาไทย)",
    },
    "emergency_case": {
        "zh": "我已經把您的訊息優先轉給勞工局同仁（案件編號 #{case_id}），同仁會在這個對話和您聯絡。"
              "這段對話會保存 {days} 天，只有負責的同仁看得到，用來協助您。",
        "en": "I have passed your message to the Labor Affairs Bureau staff first (case #{case_id}); they will "
              "contact you in this chat. This conversation is kept for {days} days, only the staff handling "
              "it can see it, and it is used to help you.",
        "id": "Pesan Anda sudah saya teruskan lebih dulu ke petugas Dinas Tenaga Kerja (kasus #{case_id}); "
              "petugas akan menghubungi Anda di percakapan ini. Percakapan ini disimpan {days} hari, hanya "
              "petugas yang menangani yang bisa melihatnya, untuk membantu Anda.",
        "vi": "Tôi đã chuyển ưu tiên tin nhắn của bạn cho nhân viên Sở Lao động (hồ sơ #{case_id}); nhân viên "
              "sẽ liên hệ với bạn trong cuộc trò chuyện này. Cuộc trò chuyện được lưu {days} ngày, chỉ nhân "
              "viên phụ trách xem được, để giúp bạn.",
        "th": "ฉันส่งข้อความของคุณให้เจ้าหน้าที่สำนักงานแรงงานเป็นกรณีเร่งด่วนแล้ว (เคส #{case_id}) "
              "เจ้าหน้าที่จะติดต่อคุณในแชทนี้ บทสนทนานี้จะเก็บไว้ {days} วัน "
              "เฉพาะเจ้าหน้าที่ที่รับผิดชอบเท่านั้นที่เห็น และใช้เพื่อช่วยเหลือคุณ",
    },
    "emergency_no_case": {
        "zh": "勞工局同仁會盡快協助您；如果情況緊急，請不要等待，立刻撥打上面的電話。",
        "en": "The Labor Affairs Bureau staff will help you as soon as they can. If it is urgent, "
              "do not wait: call one of the numbers above now.",
        "id": "Petugas Dinas Tenaga Kerja akan membantu Anda secepatnya. Jika mendesak, "
              "jangan menunggu: segera telepon nomor di atas.",
        "vi": "Nhân viên Sở Lao động sẽ giúp bạn sớm nhất có thể. Nếu khẩn cấp, "
              "đừng chờ: hãy gọi ngay các số ở trên.",
        "th": "เจ้าหน้าที่สำนักงานแรงงานจะช่วยเหลือคุณโดยเร็วที่สุด หากเร่งด่วน อย่ารอ โทรหมายเลขด้านบนทันที",
    },
    # ------------------------------------------------------------------ web chat page (channels/webchat/static)
    "web_typing": {"zh": "小幫手正在查詢", "en": "Looking it up", "id": "Sedang mencari",
                   "vi": "Đang tra cứu", "th": "กำลังค้นหา"},
    "web_offline": {
        "zh": "抱歉，連線失敗，訊息沒有送出。請檢查網路後再試一次；急需協助請撥 1955。",
        "en": "Sorry, the connection failed and your message was not sent. Please check your network and "
              "try again. If you need help urgently, call 1955.",
        "id": "Maaf, koneksi gagal dan pesan Anda tidak terkirim. Periksa jaringan lalu coba lagi. "
              "Jika butuh bantuan segera, telepon 1955.",
        "vi": "Xin lỗi, kết nối thất bại, tin nhắn chưa được gửi. Hãy kiểm tra mạng rồi thử lại. "
              "Nếu cần giúp đỡ gấp, hãy gọi 1955.",
        "th": "ขออภัย การเชื่อมต่อล้มเหลว ข้อความยังไม่ได้ส่ง กรุณาตรวจสอบเครือข่ายแล้วลองใหม่ "
              "หากต้องการความช่วยเหลือด่วน โทร 1955",
    },
    "web_placeholder": {"zh": "請輸入您的問題", "en": "Type your question", "id": "Ketik pertanyaan Anda",
                        "vi": "Nhập câu hỏi của bạn", "th": "พิมพ์คำถามของคุณ"},
    "web_send": {"zh": "送出", "en": "Send", "id": "Kirim", "vi": "Gửi", "th": "ส่ง"},
    "web_restart_confirm": {
        "zh": "要清除這台裝置上的對話，重新開始嗎？",
        "en": "Clear the conversation on this device and start again?",
        "id": "Hapus percakapan di perangkat ini dan mulai lagi?",
        "vi": "Xóa cuộc trò chuyện trên thiết bị này và bắt đầu lại?",
        "th": "ล้างบทสนทนาในอุปกรณ์นี้และเริ่มใหม่หรือไม่?",
    },
    # ------------------------------------------------------------------ rich menu (channels/richmenu.py)
    "menu_chat_bar": {"zh": "選單", "en": "Menu", "id": "Menu", "vi": "Menu", "th": "เมนู"},
    # vi and th menus are drawn with a Latin or a Thai-only font (no CJK, no ・): vi separates with " / ",
    # th with spaces, as Thai does.
    "menu_law": {"zh": "勞動法令", "en": "Labour law", "id": "Hukum kerja", "vi": "Luật lao động",
                 "th": "กฎหมายแรงงาน"},
    "menu_law_sub": {"zh": "加班・特休・資遣", "en": "Overtime・leave・pay", "id": "Lembur・cuti・gaji",
                     "vi": "Tăng ca / nghỉ / lương", "th": "ล่วงเวลา  วันลา  ค่าจ้าง"},
    "menu_calculator": {"zh": "計算機", "en": "Calculators", "id": "Kalkulator", "vi": "Máy tính",
                        "th": "คำนวณ"},
    "menu_calculator_sub": {"zh": "特休・資遣費・加班費", "en": "Leave・severance・overtime",
                            "id": "Cuti・pesangon・lembur", "vi": "Phép / trợ cấp / tăng ca",
                            "th": "วันลา  ค่าชดเชย  ล่วงเวลา"},
    "menu_scam": {"zh": "求職防騙", "en": "Job scams", "id": "Awas penipuan", "vi": "Chống lừa đảo",
                  "th": "ระวังมิจฉาชีพ"},
    "menu_scam_sub": {"zh": "面試前先查一下", "en": "Check before you go", "id": "Cek sebelum melamar",
                      "vi": "Kiểm tra trước", "th": "ตรวจสอบก่อนสมัคร"},
    "menu_jobs": {"zh": "找工作", "en": "Find a job", "id": "Cari kerja", "vi": "Tìm việc", "th": "หางาน"},
    "menu_jobs_sub": {"zh": "就業服務與職缺", "en": "Job services", "id": "Layanan kerja",
                      "vi": "Dịch vụ việc làm", "th": "บริการจัดหางาน"},
    "menu_human": {"zh": "找真人", "en": "Talk to staff", "id": "Petugas", "vi": "Nhân viên",
                   "th": "เจ้าหน้าที่"},
    "menu_human_sub": {"zh": "勞工局同仁協助", "en": "Labor Bureau staff", "id": "Dinas Tenaga Kerja",
                       "vi": "Sở Lao động", "th": "สำนักงานแรงงาน"},
    "menu_language": {"zh": "語言", "en": "Language", "id": "Bahasa", "vi": "Ngôn ngữ", "th": "ภาษา"},
    "menu_language_sub": {"zh": "Language・Bahasa", "en": "中文・Bahasa・Tiếng Việt",
                          "id": "中文・English・Tiếng Việt", "vi": "Chọn ngôn ngữ",
                          "th": "เลือกภาษา"},
}


# The texts the web chat page shows by itself, sent with each reply so the page follows the conversation.
WEB_PAGE_KEYS: Final[tuple[str, ...]] = ("legal_basis", "show_article_of", "retry", "web_typing", "web_offline",
                                         "web_placeholder", "web_send", "web_restart_confirm")


def web_labels(lang: Optional[str]) -> dict[str, str]:
    """The web chat page's own texts in `lang` ({citation} left for the page to fill)."""
    return {key: LABELS[key].get(known(lang)) or LABELS[key][DEFAULT_LANGUAGE] for key in WEB_PAGE_KEYS}


def label(key: str, lang: Optional[str], **values: Any) -> str:
    """The label `key` in `lang` (Chinese for None or an unknown language), filled with `values`."""
    texts = LABELS[key]
    text = texts.get(lang or DEFAULT_LANGUAGE) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def known(lang: Optional[str]) -> str:
    """`lang` when it is one of the five languages, else Chinese."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def reply_language(reply: Any) -> str:
    """The language of a reply from Rasa: the first `language` an action put in a message's meta block
    (actions/replies.py `say`), Chinese when none did."""
    return explicit_language(reply) or DEFAULT_LANGUAGE


def explicit_language(reply: Any) -> Optional[str]:
    """The language an action put in a meta block of the reply, or None when none did (a reply from a
    domain response or a form carries none: it says nothing about the conversation's language)."""
    for message in getattr(reply, "messages", []) or []:
        lang = (getattr(message, "meta", None) or {}).get("language")
        if lang in LANGUAGES:
            return str(lang)
    return None


def message_language(text: Optional[str], current: Optional[str] = None) -> str:
    """The language of a reply the gateway gives by itself to `text`, before Rasa answers.

    A message long and sure enough to switch a conversation sets it; a short one that is clearly
    Indonesian, Vietnamese or Thai sets it too (the person will read a short canned reply in the
    language they just wrote); anything else keeps `current` (the conversation's language when the
    channel knows it), else Chinese."""
    found = detect(text or "")
    if found.lang is not None and (found.switches() or found.hints()):
        return found.lang
    if found.lang == "zh" and found.confidence >= MIN_HINT_CONFIDENCE:  # short, but written in Chinese
        return "zh"
    return known(current)


def turn_language(reply: Any, text: Optional[str]) -> Optional[str]:
    """What one turn tells about the conversation's language: the language the actions stated in the
    reply, else a message long and sure enough to switch it (4+ words); None when the turn does not tell
    (a short "ok", a form answer, a sticker)."""
    stated = explicit_language(reply)
    if stated is not None:
        return stated
    found = detect(text or "")
    return found.lang if found.lang is not None and found.switches() else None


class ConversationLanguages:
    """The language each conversation was last seen in (sender -> language, in memory, the `capacity` most
    recent senders), for the replies the gateway gives without text to detect: stickers, pictures,
    expired buttons. Forgotten on restart: such a reply is then Chinese until the person writes again."""

    def __init__(self, capacity: int = 100_000) -> None:
        from collections import OrderedDict

        self.capacity = capacity
        self._seen: "OrderedDict[str, str]" = OrderedDict()

    def of(self, sender: str) -> Optional[str]:
        return self._seen.get(sender)

    def remember(self, sender: str, reply: Any, text: Optional[str]) -> Optional[str]:
        """Note what the turn tells; returns the conversation's language as now known (or None)."""
        lang = turn_language(reply, text)
        if lang is not None:
            self._seen[sender] = lang
            self._seen.move_to_end(sender)
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
        return self._seen.get(sender)
