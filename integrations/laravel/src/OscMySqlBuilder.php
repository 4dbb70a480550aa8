<?php

namespace Osc\Laravel;

use Illuminate\Database\Schema\Blueprint;
use Illuminate\Database\Schema\MySqlBuilder;

/**
 * Folds the consecutive ALTERs on one table that a Blueprint produces
 * (Laravel emits "add column" and "add index" as separate statements) into
 * one ALTER TABLE, so one Schema::table() call is one table copy, not one
 * per clause. MySQL applies an ALTER's clauses together, so the folded
 * statement means the same when the server runs it.
 */
class OscMySqlBuilder extends MySqlBuilder
{
    protected function build(Blueprint $blueprint)
    {
        foreach (self::fold($blueprint->toSql($this->connection, $this->grammar)) as $sql) {
            $this->connection->statement($sql);
        }
    }

    /** @param string[] $statements @return string[] */
    public static function fold(array $statements): array
    {
        $out = [];
        $pending = null;  // AlterStatement being extended
        foreach ($statements as $sql) {
            $alter = AlterStatement::parse($sql);
            if ($pending !== null && $alter !== null && $alter->table === $pending->table
                && $alter->database === $pending->database) {
                $pending = new AlterStatement($pending->database, $pending->table, $pending->alter . ', ' . $alter->alter);
                continue;
            }
            if ($pending !== null) {
                $out[] = $pending->toSql();
            }
            $pending = null;
            if ($alter !== null && preg_match('/\A\s*alter\s+table\b/i', $sql)) {
                $pending = $alter;
            } else {
                $out[] = $sql;
            }
        }
        if ($pending !== null) {
            $out[] = $pending->toSql();
        }
        return $out;
    }
}
