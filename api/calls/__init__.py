"""Voice calls (README "Voice"): placing calls under the calling rules, the custom-LLM endpoint ElevenLabs talks to,
the post-call webhook, and the Celery tasks that dial, retry and recover calls."""
