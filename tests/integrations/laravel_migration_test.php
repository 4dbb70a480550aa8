<?php
// Live test: Laravel 8 migrations (Illuminate Migrator over a Capsule)
// against the sandbox primary, with osc_wrapper.sh as the osc binary.
// Needs OSC_TEST_PRIMARY_{HOST,PORT,USER,PASSWORD}, OSC_REAL; exits 1 on
// any failed check. Run through tests/integrations/run.sh.
require_once __DIR__ . '/../../integrations/laravel/autoload.php';
require_once 'Illuminate/Filesystem/autoload.php';

use Illuminate\Database\Capsule\Manager as Capsule;
use Illuminate\Database\Migrations\DatabaseMigrationRepository;
use Illuminate\Database\Migrations\Migrator;
use Illuminate\Filesystem\Filesystem;
use Osc\Laravel\AlterStatement;
use Osc\Laravel\OscMySqlBuilder;
use Osc\Laravel\OscServiceProvider;
use Symfony\Component\Console\Output\BufferedOutput;

$failures = 0;
function check(bool $ok, string $what): void
{
    global $failures;
    echo ($ok ? 'ok   ' : 'FAIL ') . $what . "\n";
    if (!$ok) {
        $failures++;
    }
}

function env_or_die(string $name): string
{
    $v = getenv($name);
    if ($v === false) {
        fwrite(STDERR, "laravel test: $name is not set\n");
        exit(1);
    }
    return $v;
}

final class Harness
{
    public $db;
    public $admin;
    public $logs;
    public $dir;
    public $output = '';
    private $password;

    public function __construct(string $db)
    {
        $this->db = $db;
        $this->password = env_or_die('OSC_TEST_PRIMARY_PASSWORD');
        $dsn = 'mysql:host=' . env_or_die('OSC_TEST_PRIMARY_HOST') . ';port=' . env_or_die('OSC_TEST_PRIMARY_PORT');
        $this->admin = new PDO($dsn, env_or_die('OSC_TEST_PRIMARY_USER'), $this->password,
            [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->admin->exec("DROP DATABASE IF EXISTS `$db`");
        $this->admin->exec("CREATE DATABASE `$db`");
        $this->logs = sys_get_temp_dir() . '/osc-laravel-logs-' . getmypid() . "-$db";
        $this->dir = sys_get_temp_dir() . '/osc-laravel-migrations-' . getmypid() . "-$db";
        @mkdir($this->logs);
        @mkdir($this->dir);
        // Symfony Process passes on getenv() entries that are also in
        // $_SERVER (or in $_ENV): set all three.
        putenv("OSC_WRAPPER_LOG_DIR={$this->logs}");
        $_SERVER['OSC_WRAPPER_LOG_DIR'] = $_ENV['OSC_WRAPPER_LOG_DIR'] = $this->logs;
    }

    public function password(): string
    {
        return $this->password;
    }

    public function migration(string $stamp, string $class, string $body): void
    {
        $snake = strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $class));
        file_put_contents("{$this->dir}/{$stamp}_{$snake}.php", "<?php\n"
            . "use Illuminate\\Database\\Capsule\\Manager as Capsule;\n"
            . "use Illuminate\\Database\\Migrations\\Migration;\n"
            . "use Illuminate\\Database\\Schema\\Blueprint;\n"
            . "class {$class} extends Migration {\n  public function up() {\n    \$schema = Capsule::schema();\n"
            . "    $body\n  }\n}\n");
    }

    /** Runs the pending migrations; returns the exception, if any. */
    public function migrate(bool $pretend = false): ?Throwable
    {
        $capsule = new Capsule();
        $capsule->addConnection([
            'driver' => 'mysql', 'host' => env_or_die('OSC_TEST_PRIMARY_HOST'),
            'port' => env_or_die('OSC_TEST_PRIMARY_PORT'), 'database' => $this->db,
            'username' => env_or_die('OSC_TEST_PRIMARY_USER'), 'password' => $this->password,
            'charset' => 'utf8mb4', 'collation' => 'utf8mb4_unicode_ci', 'prefix' => '',
            'osc' => ['path' => __DIR__ . '/osc_wrapper.sh', 'extra_args' => ['--chunk-size', '500']],
        ]);
        $capsule->setAsGlobal();
        $resolver = $capsule->getDatabaseManager();
        $repository = new DatabaseMigrationRepository($resolver, 'migrations');
        if (!$repository->repositoryExists()) {
            $repository->createRepository();
        }
        $out = new BufferedOutput();
        $capsule->getConnection()->setOscOutput(function (string $line) use ($out) {
            $out->writeln("   osc| $line");
        });
        $migrator = new Migrator($repository, $resolver, new Filesystem());
        $migrator->setOutput($out);
        $error = null;
        try {
            $migrator->run([$this->dir], ['pretend' => $pretend]);
        } catch (Throwable $e) {
            $error = $e;
        }
        $this->output .= $out->fetch();
        return $error;
    }

    /** @return array<int, array{0: string[], 1: string}> argv and OSC_PASSWORD per osc run */
    public function oscRuns(): array
    {
        $runs = [];
        foreach (glob("{$this->logs}/run-*.argv") as $path) {
            $argv = explode("\0", rtrim(file_get_contents($path), "\0"));
            $runs[] = [$argv, file_get_contents(preg_replace('/\.argv\z/', '.env', $path))];
        }
        return $runs;
    }

    public function column(string $sql): array
    {
        return $this->admin->query($sql)->fetchAll(PDO::FETCH_COLUMN);
    }

    public function versions(): array
    {
        return $this->column("SELECT migration FROM `{$this->db}`.migrations ORDER BY id");
    }

    public function close(): void
    {
        $this->admin->exec("DROP DATABASE IF EXISTS `{$this->db}`");
        array_map('unlink', glob("{$this->logs}/*") ?: []);
        array_map('unlink', glob("{$this->dir}/*") ?: []);
        @rmdir($this->logs);
        @rmdir($this->dir);
    }
}

function flag(array $argv, string $name): ?string
{
    $i = array_search($name, $argv, true);
    return $i === false ? null : ($argv[$i + 1] ?? null);
}

OscServiceProvider::registerDriver();
putenv('OSC_DISABLE');

// Folding is pure: check it without a server.
check(OscMySqlBuilder::fold(['alter table `t` add `c` int', 'alter table `t` add index `i`(`c`)', 'create table `u` (id int)'])
    === ['alter table `t` add `c` int, add index `i`(`c`)', 'create table `u` (id int)'],
    'a blueprint\'s ALTERs on one table fold into one, other statements stay');

$parsed = AlterStatement::parse('CREATE UNIQUE INDEX `u` ON `shop`.`orders` (`a`) ALGORITHM = INPLACE');
check($parsed !== null && [$parsed->database, $parsed->table, $parsed->alter] === ['shop', 'orders', 'ADD UNIQUE INDEX `u` (`a`)'],
    'CREATE INDEX becomes ADD INDEX on its table');
$parsed = AlterStatement::parse('DROP INDEX `i` ON `t`');
check($parsed !== null && [$parsed->database, $parsed->table, $parsed->alter] === [null, 't', 'DROP INDEX `i`'],
    'DROP INDEX becomes ALTER TABLE DROP INDEX');
$parsed = AlterStatement::parse('alter table `t` add `c` int, algorithm=inplace');
check($parsed !== null && $parsed->alter === 'add `c` int', 'ALGORITHM items are dropped');
check(AlterStatement::parse('alter table `t` rename to `u`') === null && AlterStatement::parse('create table `t` (id int)') === null
    && AlterStatement::parse('rename table a to b') === null, 'table renames and CREATE TABLE stay with the server');

// 1. Adding a column and an index runs through osc, once.
$h = new Harness('osc_laravel_add');
$h->migration('2020_01_01_000001', 'CreateWidgets',
    "\$schema->create('widgets', function (Blueprint \$t) { \$t->id(); \$t->string('name'); });"
    . " Capsule::connection()->insert(\"insert into widgets (name) values ('a'), ('b'), ('c')\");");
$h->migration('2020_01_01_000002', 'AddQtyToWidgets',
    "\$schema->table('widgets', function (Blueprint \$t) { \$t->integer('qty')->nullable(); \$t->index('qty'); });");
$error = $h->migrate();
check($error === null, 'migration with osc succeeds' . ($error ? ': ' . $error->getMessage() : ''));
$runs = $h->oscRuns();
check(count($runs) === 1, 'one osc run for the folded ALTER (got ' . count($runs) . ')');
if (count($runs) === 1) {
    [$argv, $env] = $runs[0];
    check(flag($argv, '--alter') === 'add `qty` int null, add index `widgets_qty_index`(`qty`)',
        'osc got the folded clauses: ' . flag($argv, '--alter'));
    check(flag($argv, '--table') === 'widgets' && flag($argv, '--database') === 'osc_laravel_add', 'table and database');
    check(flag($argv, '--chunk-size') === '500', 'extra_args are passed');
    check(count(array_filter($argv, function ($a) use ($h) { return strpos($a, $h->password()) !== false; })) === 0,
        'password is not in argv');
    check($env === $h->password(), 'password is in OSC_PASSWORD');
}
check(strpos($h->output, 'osc| osc: done') !== false, "osc's output is streamed into the migration output");
check(in_array('_widgets_osc_old', $h->column('SHOW TABLES FROM osc_laravel_add'), true), 'osc left _widgets_osc_old after its cut-over');
check(in_array('widgets_qty_index', $h->column('SELECT index_name FROM information_schema.statistics WHERE table_schema = \'osc_laravel_add\' AND table_name = \'widgets\''), true), 'index exists');
check($h->versions() === ['2020_01_01_000001_create_widgets', '2020_01_01_000002_add_qty_to_widgets'], 'both versions recorded');
$h->close();

// 2. A failing ALTER fails the migration and records no version.
$h = new Harness('osc_laravel_fail');
$h->migration('2020_01_01_000001', 'CreateThings', "\$schema->create('things', function (Blueprint \$t) { \$t->id(); });");
$h->migration('2020_01_01_000002', 'BreakThings', "Capsule::connection()->statement('alter table things add column broken no_such_type');");
$error = $h->migrate();
check($error !== null && strpos($error->getMessage(), 'osc failed (exit') !== false,
    'the migration fails with osc\'s error' . ($error ? ': ' . strtok($error->getMessage(), "\n") : ''));
check(count($h->oscRuns()) === 1, 'the invalid ALTER went to osc');
check($h->versions() === ['2020_01_01_000001_create_things'], 'no version recorded for the failed migration');
$h->close();

// 3. --pretend shows the osc command, masked, and runs nothing.
$h = new Harness('osc_laravel_pretend');
$h->admin->exec('CREATE TABLE osc_laravel_pretend.gadgets (id INT PRIMARY KEY, name VARCHAR(20))');
$h->migration('2020_01_01_000001', 'IndexGadgets', "\$schema->table('gadgets', function (Blueprint \$t) { \$t->index('name'); });");
$error = $h->migrate(true);
check($error === null, 'pretend succeeds' . ($error ? ': ' . $error->getMessage() : ''));
check(preg_match('/OSC_PASSWORD=\*+ \S*osc_wrapper\.sh .*--table gadgets --alter \'add index `gadgets_name_index`\(`name`\)\' --execute/', $h->output) === 1,
    "pretend prints the osc command:\n" . $h->output);
check(strpos($h->output, $h->password()) === false, 'pretend output does not show the password');
check(count($h->oscRuns()) === 0, 'pretend does not run osc');
check($h->versions() === [], 'pretend records no version');
$h->close();

// 4. withoutOsc() and OSC_DISABLE=1 send ALTERs to the server.
$h = new Harness('osc_laravel_optout');
$h->admin->exec('CREATE TABLE osc_laravel_optout.boxes (id INT PRIMARY KEY)');
$h->migration('2020_01_01_000001', 'AddAToBoxes', "Capsule::connection()->withoutOsc(function () use (\$schema) {"
    . " \$schema->table('boxes', function (Blueprint \$t) { \$t->integer('a')->nullable(); }); });");
$error = $h->migrate();
putenv('OSC_DISABLE=1');
$h->migration('2020_01_01_000002', 'AddBToBoxes', "\$schema->table('boxes', function (Blueprint \$t) { \$t->integer('b')->nullable(); });");
$error = $error ?? $h->migrate();
putenv('OSC_DISABLE');
check($error === null, 'opt-out migrations succeed' . ($error ? ': ' . $error->getMessage() : ''));
check(count($h->oscRuns()) === 0, 'withoutOsc() and OSC_DISABLE=1 do not run osc');
check($h->column('SELECT column_name FROM information_schema.columns WHERE table_schema = \'osc_laravel_optout\' AND table_name = \'boxes\' ORDER BY ordinal_position') === ['id', 'a', 'b'], 'the server added both columns');
check(count($h->versions()) === 2, 'both opt-out versions recorded');
$h->close();

echo $failures === 0 ? "laravel: all checks passed\n" : "laravel: $failures check(s) failed\n";
exit($failures === 0 ? 0 : 1);
