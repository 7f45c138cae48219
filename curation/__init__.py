"""The curation queue: questions the bot could not answer, grouped, turned by staff into example
questions of entries or into new entries approved by an administrator."""
