"""Press releases (PDF, DOCX, public page), media contacts, distribution lists and the delivery log."""
