"""The judge: scores a reply for gratitude, feedback request, tone and keeping the door open."""
