-- Space freed by pruning goes back to the file system: the pruner runs PRAGMA
-- incremental_vacuum after deleting. auto_vacuum changes only with a VACUUM, which rewrites the
-- whole file once (on a large database it takes a while, at the first start after upgrading).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA auto_vacuum = INCREMENTAL;
VACUUM;

-- +goose Down
PRAGMA auto_vacuum = NONE;
VACUUM;
