-- Seed data for the README's examples: accounts 1 and 2, events 1 and 2, owners 1 and 2 with a pet each.
INSERT INTO account (owner, balance) VALUES ('alice', 100);
INSERT INTO account (owner, balance) VALUES ('bob', 100);

INSERT INTO event (title) VALUES ('Spring meetup');
INSERT INTO event (title) VALUES ('Java unconference');

INSERT INTO owner (name) VALUES ('George Franklin');
INSERT INTO owner (name) VALUES ('Betty Davis');

INSERT INTO pet (owner_id, name) VALUES (1, 'Leo');
INSERT INTO pet (owner_id, name) VALUES (2, 'Basil');
