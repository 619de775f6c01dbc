-- Seed data on PostgreSQL, added once whatever the number of instances or restarts.
INSERT INTO account (owner, balance) SELECT 'alice', 100 WHERE NOT EXISTS (SELECT 1 FROM account WHERE owner = 'alice');
INSERT INTO account (owner, balance) SELECT 'bob', 100 WHERE NOT EXISTS (SELECT 1 FROM account WHERE owner = 'bob');
INSERT INTO event (title) SELECT 'Spring meetup' WHERE NOT EXISTS (SELECT 1 FROM event WHERE title = 'Spring meetup');
INSERT INTO event (title) SELECT 'Java unconference' WHERE NOT EXISTS (SELECT 1 FROM event WHERE title = 'Java unconference');
