"""Files people get: QR codes, and later PDFs and charts."""
