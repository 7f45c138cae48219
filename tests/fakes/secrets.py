"""The made-up secrets the fakes and the channel gateway of the tests share (never real ones)."""

LINE_SECRET = "3f0c6d1b9a8e4f27b5c2d8e1a4f7b0c9"
LINE_TOKEN = "fake-line-channel-access-token"
TELEGRAM_TOKEN = "7000001:AAFakeTokenForTheLabourbotTests_0123"
TELEGRAM_SECRET = "labourbot-test-webhook-secret_1"
