-- Issue 16 item 2: the name a structure's certificates carry in O (at most 64 characters, RFC 5280
-- ub-organization-name), recorded beside the legal name (up to 200). Structures recorded before
-- keep their name when it fits; a longer one has none until the RA gives one (PATCH), and its
-- habilitations cannot be approved meanwhile. Portable SQL: H2 2.x and PostgreSQL 15.
ALTER TABLE structures ADD COLUMN certificate_name VARCHAR(64);
UPDATE structures SET certificate_name = name WHERE LENGTH(name) <= 64;
