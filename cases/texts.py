"""What users and staff are told about handoff cases (Traditional Chinese, Taiwan), in one place."""

from __future__ import annotations

from labourbot.topics import TOPIC_LABELS

RETENTION_DAYS = 180

CONSENT_YES, CONSENT_NO, SKIP = "同意", "不同意", "略過"

NOTICE = (
    "好的，可以幫您轉給勞工局同仁。轉給同仁之前，先說明個人資料的使用（個資告知）：\n"
    "・目的：由臺南市政府勞工局同仁了解並協助處理您的勞動問題。\n"
    "・誰會看到：只有負責的勞工局承辦同仁。\n"
    f"・保存多久：案件資料（含這段對話）保存 {RETENTION_DAYS} 天後刪除。\n"
    "・您可以不同意；不同意就不會建立案件，也可以改撥 1955 勞工諮詢專線。\n"
    "請問您同意嗎？"
)
ASK_CONSENT_AGAIN = "抱歉，我不確定您的意思：請按「同意」或「不同意」（也可以直接打這兩個字）。"
ASK_CONTACT = (
    "需要同仁打電話給您嗎？可以留下電話或方便接電話的時間（例如「0912-345-678 平日下午」）；"
    "不需要的話請按「略過」，同仁會直接在這個對話回覆您。"
)
ASK_CONTACT_AGAIN = "看不太懂這個聯絡方式 🙏 請留下電話號碼或方便的時間，或按「略過」。"
DECLINED = (
    "好的，不會建立案件，也不會保存您的聯絡資料。之後想找同仁，隨時輸入「找真人」；"
    "也可以撥打 1955 勞工諮詢專線（24 小時、免付費），或 1999 轉勞工局。"
)
OPENED = "已經為您轉給勞工局同仁，案件編號 #{case_id}。\n{expected}\n同仁回覆前，您仍可以繼續問小幫手。"
ALREADY_OPEN = "您的案件 #{case_id} 已經在處理中，不用再申請 🙂 同仁會在這個對話回覆您。"
CONTACT_ADDED = "已把聯絡方式補充到案件 #{case_id}。"
SENSITIVE_OFFER = (
    "您提到的狀況（{why}）建議由勞工局同仁直接協助處理。要不要轉給同仁？"
    "也可以撥打 1955 勞工諮詢專線（24 小時、免付費）。"
)
UNAVAILABLE = "抱歉，案件系統暫時無法使用，請稍後再試一次，或撥打 1955 勞工諮詢專線（24 小時、免付費）。"

CLOSED = "勞工局同仁已結束案件 #{case_id} 的服務，接下來由小幫手為您服務。"
SURVEY = "請為這次同仁的服務打個分數（1 分最不滿意，5 分最滿意）："
SURVEY_LABELS = {1: "1 很不滿意", 2: "2 不滿意", 3: "3 普通", 4: "4 滿意", 5: "5 很滿意"}
RATED = "謝謝您的評分！還有勞動權益的問題，隨時可以問我。"
ALREADY_RATED = "這次服務已經評過分了，謝謝您！"
RATING_INVALID = "這個評分按鈕已經失效了，謝謝您！有問題隨時可以問我。"
STAFF_PREFIX = "【勞工局同仁】"

STAFF_ALERT = "【新案件 #{case_id}】{priority}主題：{topic}；管道：{channel}；原因：{reason}。{link}"
CHANNEL_LABELS = {"line": "LINE", "telegram": "Telegram", "web": "網頁", "rest": "API"}
REASON_LABELS = {
    "request_human": "民眾要求真人",
    "fallback": "小幫手連續聽不懂",
    "sensitive_topic": "需要專人的狀況",
    "danger": "危險或自傷字詞",
}
STATUS_LABELS = {"waiting": "等待中", "assigned": "處理中", "closed": "已結案"}
KIND_LABELS = {"question": "諮詢轉真人", "mediation": "調解申請", "booking": "諮詢預約", "injury": "職災關懷"}

# A staff alert sent again through the other staff group because the first one never arrived.
ALERT_FALLBACK = "【補發：{via} 群組沒有收到這則緊急通知】"
ALERT_FAILED_SEEN = "緊急通知未送達 {via} 群組（{reason}），已由同仁查看"
ALERTS_FAILED_BANNER = "{count} 則緊急通知未送達"

# Delivery of a staff reply, as the console shows it beside the reply.
DELIVERY_SENT = "已送達"
DELIVERY_PENDING = "傳送中"
DELIVERY_RETRYING = "傳送中（已試 {attempts} 次：{reason}）"
DELIVERY_FAILED = "未送達：{reason}"
DELIVERY_NO_REASON = "原因不明"
DELIVERY_READ = "已讀取"
DELIVERY_UNREAD = "等待對方開啟"
DELIVERY_EXPIRED = "未送達：對方 {days} 天內沒有開啟"
UNDELIVERED_BADGE = "有未送達的回覆"


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, TOPIC_LABELS["other"])


def rating_payload(case_id: int, score: int) -> str:
    """A button payload the gateway recognises (it never reaches Rasa); short enough for LINE and Telegram."""
    return f'/rate_case{{"case_id": {case_id}, "score": {score}}}'


# Languages (docs/languages.md): a staff reply in Chinese to a conversation held in another language
# ends with one line in that language saying a bureau interpreter can call back.
CASE_LANGUAGES = ("zh", "en", "id", "vi", "th")
LANGUAGE_LABELS = {"zh": "中文", "en": "英文 English", "id": "印尼文 Bahasa Indonesia", "vi": "越南文 Tiếng Việt",
                   "th": "泰文 ภาษาไทย"}
INTERPRETER_NOTES = {
    "en": "(This reply is in Chinese. If you need it in English, reply here and a bureau interpreter can "
          "call you back, or call 1955 for free interpreting.)",
    "id": "(Balasan ini dalam bahasa Mandarin. Jika perlu dalam bahasa Indonesia, balas di sini dan juru "
          "bahasa Dinas Tenaga Kerja dapat menelepon Anda, atau hubungi 1955 yang gratis.)",
    "vi": "(Câu trả lời này bằng tiếng Trung. Nếu cần tiếng Việt, hãy trả lời tại đây để phiên dịch viên "
          "của Cục Lao động gọi lại cho bạn, hoặc gọi 1955 miễn phí.)",
    "th": "(ข้อความนี้เป็นภาษาจีน หากต้องการภาษาไทย ตอบกลับที่นี่ ล่ามของสำนักแรงงานจะโทรกลับหาคุณ "
          "หรือโทร 1955 ฟรี)",
}


def case_language(language: str | None) -> str:
    """A case's language: one of CASE_LANGUAGES, else zh."""
    return language if language in CASE_LANGUAGES else "zh"


def interpreter_note(language: str | None) -> str:
    """The line added to a staff reply for a conversation in `language` ('' for Chinese)."""
    note = INTERPRETER_NOTES.get(case_language(language))
    return f"\n{note}" if note else ""
