-- RA listings (issue 19): indexes for the console's searches, and the amendment of a habilitation
-- by a new form 413/414 for the same structure. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- Structure search by identifier prefix: the national identifier is the primary key; the bare
-- value (SIRET, FINESS… without the type prefix) gets its own index.
CREATE INDEX structures_id_value ON structures(id_value);

-- The inbox: habilitations by status, newest first, across structures.
CREATE INDEX habilitations_status ON habilitations(status, id);

-- A new form covering the same structure names the habilitation it amends (supersedes, set when
-- it is recorded); approving it makes the earlier one SUPERSEDED and names its successor
-- (superseded_by). References are HAB-yyyy-nnnnnn.
ALTER TABLE habilitations ADD COLUMN supersedes VARCHAR(20);
ALTER TABLE habilitations ADD COLUMN superseded_by VARCHAR(20);
CREATE INDEX habilitations_supersedes ON habilitations(supersedes);
