<?php

namespace Osc\Laravel;

use Closure;
use Illuminate\Database\MySqlConnection;

/**
 * A MySQL connection whose schema ALTERs run through osc (online schema
 * change) instead of the server's blocking ALTER TABLE.
 *
 * Goes to osc: ALTER TABLE / CREATE INDEX / DROP INDEX on a table that
 * exists, without bindings, outside a transaction, while osc is enabled.
 * Everything else goes to the server as usual. The schema builder folds the
 * ALTERs of one Schema::table() call into one ALTER, so adding a column and
 * its index is one osc run (osc keeps the original as _<table>_osc_old and
 * will not run again on that table until it is dropped, or pass
 * --ok-to-drop-table in osc.extra_args).
 *
 * Under `migrate --pretend` the osc command (password masked) is reported
 * as the query, and nothing runs.
 *
 * Off switches: env OSC_DISABLE=1, connection config 'osc' => ['enabled'
 * => false], or $connection->withoutOsc(fn () => ...) around a migration's
 * statements. Not thread-safe, like every Laravel connection.
 */
class OscMySqlConnection extends MySqlConnection
{
    /** @var bool */
    private $oscSuspended = false;
    /** @var callable|null receives each osc output line */
    private $oscOutput;

    public function getSchemaBuilder()
    {
        if (is_null($this->schemaGrammar)) {
            $this->useDefaultSchemaGrammar();
        }
        return new OscMySqlBuilder($this);
    }

    /** Where osc's output lines go; default: STDOUT, flushed per line. */
    public function setOscOutput(?callable $output): void
    {
        $this->oscOutput = $output;
    }

    /** Runs $callback with its ALTERs sent to the server directly. */
    public function withoutOsc(Closure $callback)
    {
        $saved = $this->oscSuspended;
        $this->oscSuspended = true;
        try {
            return $callback($this);
        } finally {
            $this->oscSuspended = $saved;
        }
    }

    public function oscEnabled(): bool
    {
        $off = strtolower(trim((string) getenv('OSC_DISABLE')));
        return !$this->oscSuspended && !in_array($off, ['1', 'true', 'yes'], true)
            && ($this->config['osc']['enabled'] ?? true);
    }

    public function statement($query, $bindings = [])
    {
        $statement = $this->oscStatementFor($query, $bindings);
        if ($statement === null) {
            return parent::statement($query, $bindings);
        }
        $runner = new OscRunner($this->config);
        $argv = $runner->command($statement);
        // run() logs the command as this "query" (so --pretend prints it),
        // fires QueryExecuted, and wraps a failure in a QueryException.
        return $this->run($runner->display($argv), [], function () use ($runner, $argv) {
            if ($this->pretending()) {
                return true;
            }
            $runner->run($argv, $this->oscOutput ?? static function (string $line): void {
                fwrite(STDOUT, "   osc| {$line}\n");
                fflush(STDOUT);
            });
            return true;
        });
    }

    private function oscStatementFor($query, array $bindings): ?AlterStatement
    {
        if (!empty($bindings) || !is_string($query) || !$this->oscEnabled()) {
            return null;
        }
        $statement = AlterStatement::parse($query);
        // osc works from its own sessions: it can neither see nor join this
        // session's open transaction.
        if ($statement === null || $this->transactionLevel() > 0) {
            return null;
        }
        return $this->oscTableExists($statement) ? $statement : null;
    }

    private function oscTableExists(AlterStatement $statement): bool
    {
        // Straight to PDO: under pretend(), select() returns nothing.
        $check = $this->getPdo()->prepare(
            'select count(*) from information_schema.tables where table_schema = ? and table_name = ?');
        $check->execute([$statement->database ?? $this->getDatabaseName(), $statement->table]);
        return (int) $check->fetchColumn() > 0;
    }
}
