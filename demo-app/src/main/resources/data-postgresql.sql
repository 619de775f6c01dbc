-- Seed data on PostgreSQL, added once whatever the number of instances or restarts.
INSERT INTO account (owner, balance) SELECT 'alice', 100 WHERE NOT EXISTS (SELECT 1 FROM account WHERE owner = 'alice');
INSERT INTO account (owner, balance) SELECT 'bob', 100 WHERE NOT EXISTS (SELECT 1 FROM account WHERE owner = 'bob');
INSERT INTO event (title) SELECT 'Spring meetup' WHERE NOT EXISTS (SELECT 1 FROM event WHERE title = 'Spring meetup');
INSERT INTO event (title) SELECT 'Java unconference' WHERE NOT EXISTS (SELECT 1 FROM event WHERE title = 'Java unconference');
INSERT INTO owner (name) SELECT 'George Franklin' WHERE NOT EXISTS (SELECT 1 FROM owner WHERE name = 'George Franklin');
INSERT INTO owner (name) SELECT 'Betty Davis' WHERE NOT EXISTS (SELECT 1 FROM owner WHERE name = 'Betty Davis');
INSERT INTO pet (owner_id, name) SELECT o.id, 'Leo' FROM owner o WHERE o.name = 'George Franklin' AND NOT EXISTS (SELECT 1 FROM pet p WHERE p.owner_id = o.id AND p.name = 'Leo');
INSERT INTO pet (owner_id, name) SELECT o.id, 'Basil' FROM owner o WHERE o.name = 'Betty Davis' AND NOT EXISTS (SELECT 1 FROM pet p WHERE p.owner_id = o.id AND p.name = 'Basil');
