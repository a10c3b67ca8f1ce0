"""Speech engines (TTS, microphone, recognizer) behind small interfaces. No UI here."""
