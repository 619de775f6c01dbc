-- Seed data for the README's examples: accounts 1 and 2, events 1 and 2.
INSERT INTO account (owner, balance) VALUES ('alice', 100);
INSERT INTO account (owner, balance) VALUES ('bob', 100);

INSERT INTO event (title) VALUES ('Spring meetup');
INSERT INTO event (title) VALUES ('Java unconference');
