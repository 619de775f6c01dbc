create table entry (account varchar(20) not null, amount int not null);
create table admission (resource varchar(80) not null, token bigint not null);
