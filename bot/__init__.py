"""User-facing side: answers, rendering, the CLI and the Telegram bot."""
