<?php

namespace Osc\Laravel;

use Symfony\Component\Process\Process;

/**
 * Builds osc's command line from a Laravel connection config and runs it.
 *
 * The password travels only in OSC_PASSWORD in the child's environment,
 * never in argv (visible to every local user through ps). The command is an
 * array handed to Symfony Process, which execs it without a shell. No
 * timeout: copying a big table takes hours, and a killed osc only wastes
 * the work done (the original table stays until osc's cut-over).
 *
 * Config keys read: host, port, unix_socket, username, password, database,
 * and osc.path (default $OSC_PATH or "osc"), osc.extra_args (array).
 */
final class OscRunner
{
    private const KEPT_LINES = 20;

    /** @var array */
    private $config;

    public function __construct(array $config)
    {
        $this->config = $config;
    }

    /** @return string[] the argv, program first */
    public function command(AlterStatement $statement): array
    {
        $c = $this->config;
        $argv = [$c['osc']['path'] ?? (getenv('OSC_PATH') ?: 'osc')];
        $host = $c['host'] ?? null;
        if (!empty($c['unix_socket']) && ($host === null || $host === 'localhost')) {
            array_push($argv, '--socket', (string) $c['unix_socket']);
        } else {
            if ($host !== null) {
                array_push($argv, '--host', is_array($host) ? (string) $host[0] : (string) $host);
            }
            if (!empty($c['port'])) {
                array_push($argv, '--port', (string) $c['port']);
            }
        }
        if (!empty($c['username'])) {
            array_push($argv, '--user', (string) $c['username']);
        }
        array_push($argv, '--database', $statement->database ?? (string) $c['database'],
            '--table', $statement->table, '--alter', $statement->alter, '--execute');
        foreach ($c['osc']['extra_args'] ?? [] as $arg) {
            $argv[] = (string) $arg;
        }
        return $argv;
    }

    /** Environment additions; false unsets a stale OSC_PASSWORD from the parent. */
    public function environment(): array
    {
        $password = (string) ($this->config['password'] ?? '');
        return ['OSC_PASSWORD' => $password === '' ? false : $password];
    }

    /** The command as one would type it, with the password shown masked. */
    public function display(array $argv): string
    {
        $words = array_map(static function (string $word): string {
            return preg_match('/\A[A-Za-z0-9_\/.,:=@%+-]+\z/', $word) ? $word : "'" . str_replace("'", "'\\''", $word) . "'";
        }, $argv);
        $prefix = ($this->config['password'] ?? '') === '' ? '' : 'OSC_PASSWORD=******** ';
        return $prefix . implode(' ', $words);
    }

    /**
     * Runs osc; each output line (stdout and stderr, as written) goes to
     * $onLine as it arrives. Throws OscFailed unless osc exits 0.
     */
    public function run(array $argv, callable $onLine): void
    {
        $process = new Process($argv, null, $this->environment(), null, null);
        $process->setTimeout(null);
        $tail = [];
        $partial = ['out' => '', 'err' => ''];  // per stream: chunks of the two interleave
        try {
            $process->run(function ($type, $chunk) use (&$tail, &$partial, $onLine) {
                $lines = explode("\n", $partial[$type] . $chunk);
                $partial[$type] = array_pop($lines);
                foreach ($lines as $line) {
                    $tail[] = $line;
                    if (count($tail) > self::KEPT_LINES) {
                        array_shift($tail);
                    }
                    $onLine($line);
                }
            });
        } catch (\Symfony\Component\Process\Exception\ProcessSignaledException $e) {
            // Symfony throws for a signal instead of returning; report it like an exit.
            throw new OscFailed('osc failed (killed by signal ' . $e->getSignal() . ') running: '
                . $this->display($argv) . "\n" . implode("\n", $tail), 0, $e);
        } catch (\Symfony\Component\Process\Exception\RuntimeException $e) {
            throw new OscFailed("cannot start osc ({$argv[0]}): " . $e->getMessage(), 0, $e);
        }
        foreach (array_filter($partial, 'strlen') as $rest) {
            $tail[] = $rest;
            $onLine($rest);
        }
        if (!$process->isSuccessful()) {
            $how = $process->hasBeenSignaled() ? 'killed by signal ' . $process->getTermSignal() : 'exit ' . $process->getExitCode();
            throw new OscFailed("osc failed ({$how}) running: " . $this->display($argv) . "\n" . implode("\n", $tail));
        }
    }
}
