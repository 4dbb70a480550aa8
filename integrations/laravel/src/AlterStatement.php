<?php

namespace Osc\Laravel;

/**
 * Recognises the schema statements osc can run and turns each into osc's
 * terms: table, database (null = the connection's) and the clauses that
 * follow ALTER TABLE <table>.
 *
 *   ALTER TABLE [db.]t <clauses>
 *   CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i [USING m] ON [db.]t (...)  -> ADD ... INDEX i (...)
 *   DROP INDEX i ON [db.]t                                              -> DROP INDEX i
 *
 * Anything else (CREATE/DROP/RENAME TABLE, ALTER TABLE ... RENAME TO, DML)
 * gives null and goes to the server. ALGORITHM=/LOCK= items are dropped:
 * they choose how the server would run the ALTER, and with osc it does not.
 * Immutable value; pure parsing, no connection.
 */
final class AlterStatement
{
    private const IDENT = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)';

    /** @var string|null */
    public $database;
    /** @var string */
    public $table;
    /** @var string */
    public $alter;

    public function __construct(?string $database, string $table, string $alter)
    {
        $this->database = $database;
        $this->table = $table;
        $this->alter = $alter;
    }

    public static function parse(string $sql): ?self
    {
        $text = preg_replace('/;\s*\z/', '', trim($sql));
        return self::parseAlter($text) ?? self::parseCreateIndex($text) ?? self::parseDropIndex($text);
    }

    /** The SQL form, for the server or for folding. */
    public function toSql(): string
    {
        $table = self::quote($this->table);
        if ($this->database !== null) {
            $table = self::quote($this->database) . '.' . $table;
        }
        return "alter table {$table} {$this->alter}";
    }

    private static function qualified(): string
    {
        return '(?<first>' . self::IDENT . ')(?:\s*\.\s*(?<second>' . self::IDENT . '))?';
    }

    private static function parseAlter(string $text): ?self
    {
        if (!preg_match('/\A\s*ALTER\s+TABLE\s+' . self::qualified() . '\s+(?<rest>\S.*)\z/si', $text, $m)) {
            return null;
        }
        $rest = preg_replace('/(?:\A|,)\s*(?:ALGORITHM|LOCK)\s*=?\s*\w+\s*(?=,|\z)/i', '', $m['rest']);
        $rest = trim(preg_replace('/\A\s*,/', '', $rest));
        // ALTER TABLE t RENAME [TO|AS] n renames the table: nothing to copy.
        if ($rest === '' || preg_match('/(?:\A|,)\s*RENAME\s+(?!(?:COLUMN|INDEX|KEY)\b)/i', $rest)) {
            return null;
        }
        return self::build($m, $rest);
    }

    private static function parseCreateIndex(string $text): ?self
    {
        $re = '/\A\s*CREATE\s+(?<kind>(?:UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX\s+(?<index>' . self::IDENT . ')\s+'
            . '(?<using>USING\s+\w+\s+)?ON\s+' . self::qualified() . '\s*(?<rest>\(.*)\z/si';
        if (!preg_match($re, $text, $m)) {
            return null;
        }
        $rest = $m['rest'];
        while (preg_match('/\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+\s*\z/i', $rest)) {
            $rest = preg_replace('/\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+\s*\z/i', '', $rest);
        }
        return self::build($m, "ADD {$m['kind']}INDEX {$m['index']} {$m['using']}" . trim($rest));
    }

    private static function parseDropIndex(string $text): ?self
    {
        $re = '/\A\s*DROP\s+INDEX\s+(?<index>' . self::IDENT . ')\s+ON\s+' . self::qualified()
            . '(?:\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+)*\s*\z/si';
        if (!preg_match($re, $text, $m)) {
            return null;
        }
        return self::build($m, "DROP INDEX {$m['index']}");
    }

    private static function build(array $m, string $alter): self
    {
        $second = $m['second'] ?? '';
        return $second !== ''
            ? new self(self::unquote($m['first']), self::unquote($second), $alter)
            : new self(null, self::unquote($m['first']), $alter);
    }

    private static function unquote(string $ident): string
    {
        return $ident[0] === '`' ? str_replace('``', '`', substr($ident, 1, -1)) : $ident;
    }

    private static function quote(string $ident): string
    {
        return '`' . str_replace('`', '``', $ident) . '`';
    }
}
