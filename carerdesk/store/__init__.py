"""Opening, keying and migrating the encrypted database."""
