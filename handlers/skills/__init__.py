"""What several agents share: the LLM client, storage under STORAGE_ROOT, tailored document files,
resume file reading, and session encryption (AES-256)."""
