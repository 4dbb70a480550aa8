<?php

namespace Osc\Laravel;

use Illuminate\Database\Connection;
use Illuminate\Support\ServiceProvider;

/**
 * Makes every "mysql" connection an OscMySqlConnection. Add it to the
 * providers in config/app.php; settings live in the connection's config:
 *
 *   'mysql' => [..., 'osc' => ['path' => '/usr/local/bin/osc',
 *                              'extra_args' => ['--max-lag-millis', '1500']]],
 */
class OscServiceProvider extends ServiceProvider
{
    public function register()
    {
        self::registerDriver();
    }

    /** Also usable without a container (Capsule, scripts). Idempotent. */
    public static function registerDriver(): void
    {
        Connection::resolverFor('mysql', static function ($pdo, $database, $prefix, $config) {
            return new OscMySqlConnection($pdo, $database, $prefix, $config);
        });
    }
}
