-- Runs once, when the PostgreSQL data volume is first initialised (docker-entrypoint-initdb.d).
-- One database per service: each service owns its data.
CREATE DATABASE org;
CREATE DATABASE customer;
CREATE DATABASE collateral;
CREATE DATABASE loan;
CREATE DATABASE finance;
CREATE DATABASE collection;
CREATE DATABASE document;
