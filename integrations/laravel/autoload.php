<?php
// Loads the osc Laravel integration (namespace Osc\Laravel) without
// Composer, next to Debian's Illuminate packages (/usr/share/php).
require_once 'Illuminate/Database/autoload.php';
require_once 'Symfony/Component/Process/autoload.php';

spl_autoload_register(static function (string $class): void {
    $prefix = 'Osc\\Laravel\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
