"""Document service (影像资料): the metadata of the files kept on customers, applications, vehicles, loans and GPS and
mortgage tasks (category, name, type, size, SHA-256, versions, who uploaded and deleted them). The bytes themselves
are in object storage (services/common/storage.py), written and read by the gateway, never sent over the bus."""
