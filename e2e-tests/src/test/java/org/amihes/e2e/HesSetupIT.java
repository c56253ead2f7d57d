package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The set-up part of {@code ./hes} ({@code ./hes infra}, {@code ./hes hsm}, {@code ./hes stop}) on a simulated Debian
 * machine, with nothing but bash and Java: stub commands first on a PATH that holds only them and a few basic tools
 * ({@code apt-get}, {@code pg_ctlcluster}, {@code pg_lsclusters}, {@code psql}, {@code rabbitmq-server},
 * {@code rabbitmqctl}, {@code rabbitmq-plugins}, {@code softhsm2-util}, {@code runuser}, {@code sudo}) log their calls
 * and simulate the daemons and SoftHSM2's tokens (a file per token in the config's token directory). A daemon runs when
 * its TCP port listens: the stubs ask for a start or stop by writing a request file, and this test opens or closes a
 * {@link ServerSocket} on the port given to the script, which its {@code /dev/tcp} probe sees. The real PostgreSQL and
 * RabbitMQ are never touched; the script's run directory is a temp dir ({@code HES_RUN_DIR}).
 */
class HesSetupIT {

    static final String PLUGIN = "rabbitmq_consistent_hash_exchange";

    Path dir, stubs, pkgs, ctl, state, run, log;
    final Map<String, Daemon> daemons = new HashMap<>();
    final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hes-setup-daemons");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void machine() throws IOException {
        dir = Files.createTempDirectory("hes-setup");
        stubs = Files.createDirectories(dir.resolve("stubs"));
        pkgs = Files.createDirectories(dir.resolve("pkgs"));
        ctl = Files.createDirectories(dir.resolve("ctl"));
        state = Files.createDirectories(dir.resolve("state"));
        run = dir.resolve("run");
        log = dir.resolve("calls.log");
        Files.writeString(log, "");
        daemons.put("postgres", new Daemon(freePort()));
        daemons.put("rabbitmq", new Daemon(freePort()));
        write(dir.resolve("lib.sh"), LIB);
        for (Map.Entry<String, String> stub : PACKAGE_STUBS.entrySet()) {
            write(pkgs.resolve(stub.getKey()), stub.getValue());
        }
        write(stubs.resolve("apt-get"), APT_GET);
        write(stubs.resolve("runuser"), RUNUSER);
        write(stubs.resolve("sudo"), SUDO);
        tools();
        control.scheduleWithFixedDelay(this::serveRequests, 0, 20, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void cleanUp() throws IOException {
        control.shutdownNow();
        daemons.values().forEach(Daemon::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** (a) systemd-like: installing a package starts its daemon; ./hes starts nothing and records nothing. */
    @Test
    void aptStartsTheDaemons() throws Exception {
        Result infra = hes(Map.of("STUB_APT_STARTS_PG", "yes", "STUB_APT_STARTS_MQ", "yes"), "infra");

        assertThat(infra.exit).as(infra.output).isZero();
        assertThat(calls("apt-get")).anyMatch(c -> c.endsWith(" postgresql-client"))
                .anyMatch(c -> c.endsWith(" postgresql")).anyMatch(c -> c.endsWith(" rabbitmq-server"))
                .anyMatch(c -> c.endsWith(" softhsm2"));
        assertThat(calls("softhsm2-util")).as("the tests make their own token; infra makes none").isEmpty();
        assertThat(calls("pg_ctlcluster")).as("the running cluster is not started again").isEmpty();
        assertThat(calls("rabbitmq-server")).as("the running broker is not started again").isEmpty();
        assertDatabasesCreated();
        assertThat(calls("rabbitmq-plugins")).contains("rabbitmq-plugins enable " + PLUGIN);
        assertThat(startedInfra()).isEmpty();

        Result stop = hes(Map.of(), "stop");
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(calls("pg_ctlcluster")).isEmpty();
        assertThat(calls("rabbitmqctl")).noneMatch(c -> c.contains(" stop"));
        assertThat(daemons.get("postgres").listening()).isTrue();
        assertThat(daemons.get("rabbitmq").listening()).isTrue();
    }

    /** (b) apt installs without starting (policy-rc.d, containers): ./hes starts both, records both, stops both. */
    @Test
    void aptDoesNotStartTheDaemons() throws Exception {
        Result infra = hes(Map.of("STUB_APT_STARTS_PG", "no", "STUB_APT_STARTS_MQ", "no"), "infra");

        assertThat(infra.exit).as(infra.output).isZero();
        assertThat(calls("pg_ctlcluster")).containsExactly("pg_ctlcluster --skip-systemctl-redirect 16 main start");
        assertThat(calls("rabbitmq-server")).containsExactly("rabbitmq-server -detached");
        assertDatabasesCreated();
        assertThat(calls("rabbitmq-plugins")).contains("rabbitmq-plugins enable " + PLUGIN);
        assertThat(startedInfra()).containsExactly("postgres:16:main", "rabbitmq");

        Result again = hes(Map.of(), "infra");
        assertThat(again.exit).as(again.output).isZero();
        assertThat(calls("apt-get")).as("installed once").filteredOn(c -> c.contains(" install ")).hasSize(6); // postgresql-client, softhsm2, postgresql, rabbitmq-server, mosquitto-clients, tshark
        assertThat(calls("rabbitmq-plugins")).as("enabled once").filteredOn(c -> c.contains(" enable ")).hasSize(1);
        assertThat(startedInfra()).containsExactly("postgres:16:main", "rabbitmq");

        Result stop = hes(Map.of(), "stop");
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(calls("pg_ctlcluster")).contains("pg_ctlcluster --skip-systemctl-redirect 16 main stop");
        assertThat(calls("rabbitmqctl")).contains("rabbitmqctl stop");
        assertThat(daemons.get("postgres").listening()).isFalse();
        assertThat(daemons.get("rabbitmq").listening()).isFalse();
        assertThat(run.resolve("started-infra")).doesNotExist();
    }

    /** (c) both installed and running, plugin enabled: nothing installed, started, enabled or recorded. */
    @Test
    void bothAlreadyRunning() throws Exception {
        installAll();
        touch("pg-cluster", "pg-running", "mq-running");
        Files.writeString(state.resolve("plugins"), "rabbitmq_management\n" + PLUGIN + "\n");
        daemons.get("postgres").open();
        daemons.get("rabbitmq").open();

        Result infra = hes(Map.of(), "infra");

        assertThat(infra.exit).as(infra.output).isZero();
        assertThat(calls("apt-get")).isEmpty();
        assertThat(calls("pg_ctlcluster")).isEmpty();
        assertThat(calls("rabbitmq-server")).isEmpty();
        assertDatabasesCreated();
        assertThat(calls("rabbitmq-plugins")).as("checked, not re-enabled")
                .anyMatch(c -> c.contains(" list ")).noneMatch(c -> c.contains(" enable "));
        assertThat(startedInfra()).isEmpty();

        Result stop = hes(Map.of(), "stop");
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(calls("pg_ctlcluster")).isEmpty();
        assertThat(calls("rabbitmqctl")).isEmpty();
        assertThat(daemons.get("postgres").listening()).isTrue();
        assertThat(daemons.get("rabbitmq").listening()).isTrue();
    }

    /**
     * (d) apt starts the daemons, but their ports open only after the script's short wait: pg_ctlcluster answers
     * "already running" (exit 2), rabbitmqctl finds the node up; the script waits for the ports and records nothing.
     */
    @Test
    void aptStartsTheDaemonsSlowly() throws Exception {
        Result infra = hes(Map.of("STUB_APT_STARTS_PG", "late", "STUB_APT_STARTS_MQ", "late"), "infra");

        assertThat(infra.exit).as(infra.output).isZero();
        assertThat(infra.output).contains("already running");
        assertThat(calls("pg_ctlcluster")).containsExactly("pg_ctlcluster --skip-systemctl-redirect 16 main start");
        assertThat(calls("rabbitmq-server")).isEmpty();
        assertDatabasesCreated();
        assertThat(startedInfra()).isEmpty();
    }

    /** (e) a real failure of pg_ctlcluster is not taken for "already running". */
    @Test
    void postgresFailingToStartStopsTheScript() throws Exception {
        installAll();
        touch("pg-cluster", "pg-fail");

        Result infra = hes(Map.of(), "infra");

        assertThat(infra.exit).isNotZero();
        assertThat(infra.output).contains("could not start PostgreSQL 16/main (pg_ctlcluster exit 1)")
                .contains("simulated start failure");
        assertThat(calls("psql")).noneMatch(c -> c.contains("ON_ERROR_STOP"));
        assertThat(startedInfra()).isEmpty();
    }

    /**
     * (f) ./hes hsm: the development token is made once in the run directory, among other tokens, with random PINs in
     * files only its owner reads and never printed; found again by its label, and kept by ./hes stop.
     */
    @Test
    void hsmTokenMadeOnceAndKept() throws Exception {
        installAll();
        Path softhsm = run.resolve("softhsm");
        Path tokens = Files.createDirectories(softhsm.resolve("tokens"));
        Files.writeString(tokens.resolve("1000"), "amihes-old");
        Files.writeString(tokens.resolve("1001"), "x amihes");

        Result first = hes(Map.of(), "hsm");

        assertThat(first.exit).as(first.output).isZero();
        List<String> inits = calls("softhsm2-util").stream().filter(c -> c.contains("--init-token")).toList();
        assertThat(inits).hasSize(1);
        String pin = Files.readString(softhsm.resolve("user.pin"));
        String soPin = Files.readString(softhsm.resolve("so.pin"));
        assertThat(pin).matches("[0-9a-f]{48}").isNotEqualTo(soPin);
        assertThat(inits.get(0)).isEqualTo("softhsm2-util --init-token --free --label amihes --pin " + pin
                + " --so-pin " + soPin);
        for (String f : List.of("user.pin", "so.pin")) {
            assertThat(Files.getPosixFilePermissions(softhsm.resolve(f))).as(f)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        String slot = "1794113002"; // the stub's third token
        assertThat(tokens.resolve(slot)).hasContent("amihes");
        assertThat(output()).doesNotContain(pin).doesNotContain(soPin)
                .contains("SOFTHSM2_CONF=" + softhsm.resolve("softhsm2.conf"), "HES_HSM_SLOT=" + slot,
                        "HES_HSM_PIN_FILE=" + softhsm.resolve("user.pin"));
        assertThat(softhsm.resolve("softhsm2.conf")).hasContent("directories.tokendir = " + tokens
                + "\nobjectstore.backend = file\nlog.level = ERROR");

        Result again = hes(Map.of(), "hsm");
        assertThat(again.exit).as(again.output).isZero();
        assertThat(calls("softhsm2-util")).as("made once").filteredOn(c -> c.contains("--init-token")).hasSize(1);
        assertThat(output()).contains("HES_HSM_SLOT=" + slot).doesNotContain("making the development HSM token");
        assertThat(softhsm.resolve("user.pin")).hasContent(pin);

        Result stop = hes(Map.of(), "stop");
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(tokens.resolve(slot)).exists();
        assertThat(softhsm.resolve("user.pin")).hasContent(pin);
        assertThat(calls("apt-get")).isEmpty();
    }

    /** (g) an HSM named in the environment is checked and shown; no SoftHSM2 token is made. */
    @Test
    void hsmFromTheEnvironment() throws Exception {
        installAll();
        Path pinFile = dir.resolve("hsm.pin");
        // a PIN no path can hold by chance (with "1234", the temporary directory's random name
        // /tmp/hes-setup12342335569064734396 made the output contain it: the clean-clone run of 1af509f)
        String pin = "pin-" + java.util.UUID.randomUUID();
        Files.writeString(pinFile, pin);
        String module = state.resolve("libsofthsm2.so").toString();

        Result hsm = hes(Map.of("HES_HSM_MODULE", module, "HES_HSM_SLOT", "7", "HES_HSM_PIN_FILE", pinFile.toString()),
                "hsm");

        assertThat(hsm.exit).as(hsm.output).isZero();
        assertThat(output()).contains("slot       : 7", "HES_HSM_PIN_FILE").doesNotContain(pin);
        assertThat(calls("softhsm2-util")).isEmpty();
        assertThat(run.resolve("softhsm")).doesNotExist();

        Result noSlot = hes(Map.of("HES_HSM_MODULE", module), "hsm");
        assertThat(noSlot.exit).isNotZero();
        assertThat(noSlot.output).contains("set HES_HSM_SLOT");
    }

    // ---------------------------------------------------------------------------------------------------------

    void assertDatabasesCreated() throws IOException {
        assertThat(calls("psql")).as("databases step reached").anyMatch(c -> c.contains("ON_ERROR_STOP=1"));
        assertThat(state.resolve("databases")).exists();
    }

    record Result(int exit, String output) {}

    Result hes(Map<String, String> env, String... args) throws Exception {
        Path root = Path.of(System.getProperty("hes.project.root", "..")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(which("bash"), root.resolve("hes").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", stubs + File.pathSeparator + dir.resolve("tools"));
        e.put("HOME", dir.toString());
        e.put("LC_ALL", "C");
        e.put("HES_RUN_DIR", run.toString());
        e.put("HES_DB_HOST", "127.0.0.1");
        e.put("HES_DB_PORT", String.valueOf(daemons.get("postgres").port));
        e.put("RABBITMQ_HOST", "127.0.0.1");
        e.put("RABBITMQ_PORT", String.valueOf(daemons.get("rabbitmq").port));
        e.put("HES_SETTLE_SECONDS", "1");
        e.put("HES_SBIN_DIRS", ""); // the real /usr/sbin/rabbitmq-* of this machine do not exist on the simulated one
        e.put("HES_SOFTHSM_MODULE", state.resolve("libsofthsm2.so").toString()); // made by apt-get install softhsm2
        e.put("STUB_DIR", stubs.toString());
        e.put("STUB_PKGS", pkgs.toString());
        e.put("STUB_CTL", ctl.toString());
        e.put("STUB_STATE", state.toString());
        e.put("STUB_LOG", log.toString());
        e.put("STUB_LIB", dir.resolve("lib.sh").toString());
        e.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(25, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./hes " + String.join(" ", args) + " did not end within 25 s:\n" + output());
        }
        return new Result(p.exitValue(), output() + "\n--- calls ---\n" + Files.readString(log));
    }

    String output() throws IOException {
        return Files.readString(dir.resolve("out.txt"));
    }

    List<String> calls(String command) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.startsWith(command + " ") || l.equals(command)).toList();
    }

    List<String> startedInfra() throws IOException {
        Path f = run.resolve("started-infra");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    void installAll() throws IOException {
        for (String name : PACKAGE_STUBS.keySet()) {
            Files.copy(pkgs.resolve(name), stubs.resolve(name));
            stubs.resolve(name).toFile().setExecutable(true);
        }
        touch("libsofthsm2.so");
    }

    void touch(String... names) throws IOException {
        for (String n : names) Files.writeString(state.resolve(n), "");
    }

    /** Requests of the stubs: ctl/start-postgres, ctl/stop-rabbitmq, ... (content: a delay in ms, optional). */
    void serveRequests() {
        try (Stream<Path> requests = Files.list(ctl)) {
            for (Path request : requests.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                String[] what = request.getFileName().toString().split("-", 2);
                String content = Files.readString(request).trim();
                long delay = content.isEmpty() ? 0 : Long.parseLong(content);
                Daemon daemon = daemons.get(what[1]);
                Runnable action = "start".equals(what[0]) ? daemon::open : daemon::close;
                if (delay > 0) control.schedule(action, delay, TimeUnit.MILLISECONDS);
                else action.run();
                Files.delete(request);
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
        }
    }

    /** A simulated daemon: its port listens (and accepts, so the probes never fill the backlog) while it runs. */
    static final class Daemon {
        final int port;
        volatile ServerSocket socket;

        Daemon(int port) {
            this.port = port;
        }

        synchronized void open() {
            if (socket != null) return;
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                socket = s;
                Thread t = new Thread(() -> {
                    while (!s.isClosed()) {
                        try (Socket ignored = s.accept()) {
                            // a probe: accepted and closed
                        } catch (IOException closed) {
                            return;
                        }
                    }
                }, "daemon-" + port);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void close() {
            if (socket == null) return;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            socket = null;
        }

        boolean listening() {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The basic tools the script may use, and nothing of PostgreSQL, RabbitMQ, apt or sudo. */
    void tools() throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("bash", "env", "id", "sort", "tail", "head", "awk", "grep", "sed", "sleep", "cat",
                "rm", "mkdir", "chmod", "basename", "dirname", "date", "paste", "tr", "touch", "mv", "cp", "wc", "cut", "tee",
                "ls", "kill", "nohup", "od")) {
            String path = whichOrNull(tool);
            if (path != null) Files.createSymbolicLink(tools.resolve(tool), Path.of(path));
        }
    }

    static String which(String tool) {
        String path = whichOrNull(tool);
        if (path == null) throw new IllegalStateException(tool + " not found on PATH");
        return path;
    }

    static String whichOrNull(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/bin";
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path candidate = Path.of(d, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return candidate.toString();
        }
        return null;
    }

    static void write(Path file, String script) throws IOException {
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // --- the stubs ---------------------------------------------------------------------------------------------

    static final String LIB = """
            # shared by the stubs: the call log, the port probe, requests to the test (which owns the ports)
            printf '%s\\n' "$(basename "$0")${*:+ $*}" >>"$STUB_LOG"
            listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
            request() { # start|stop postgres|rabbitmq [delay ms: do not wait]
              local f="$STUB_CTL/$1-$2" i
              printf '%s' "${3:-}" >"$STUB_CTL/.$1-$2"
              mv "$STUB_CTL/.$1-$2" "$f"
              [ -z "${3:-}" ] || return 0
              for ((i = 0; i < 200; i++)); do [ -e "$f" ] || return 0; sleep 0.05; done
              echo "stub: nobody served $1-$2" >&2; return 1
            }
            install_stub() { cp "$STUB_PKGS/$1" "$STUB_DIR/$1"; chmod +x "$STUB_DIR/$1"; }
            # what a package's maintainer scripts do with the daemon: yes (started), late (starting), no
            apt_start() { # postgres|rabbitmq pg|mq yes|no|late
              case "$3" in
                yes) : >"$STUB_STATE/$2-running"; request start "$1" ;;
                late) : >"$STUB_STATE/$2-running"; request start "$1" 2500 ;;
              esac
            }
            """;

    static final String APT_GET = """
            #!/usr/bin/env bash
            . "$STUB_LIB"
            [ "${1:-}" = install ] || exit 0
            for pkg in "$@"; do
              case "$pkg" in
                postgresql-client) install_stub psql; install_stub pg_lsclusters ;;
                postgresql) install_stub psql; install_stub pg_lsclusters; install_stub pg_ctlcluster
                            : >"$STUB_STATE/pg-cluster"; apt_start postgres pg "${STUB_APT_STARTS_PG:-no}" ;;
                rabbitmq-server) install_stub rabbitmq-server; install_stub rabbitmqctl; install_stub rabbitmq-plugins
                                 apt_start rabbitmq mq "${STUB_APT_STARTS_MQ:-no}" ;;
                softhsm2) install_stub softhsm2-util; : >"$HES_SOFTHSM_MODULE" ;;
                tshark) install_stub tshark ;;
                nftables) install_stub nft ;;
                chromium) install_stub chromium ;;
                mosquitto-clients) install_stub mosquitto_sub ;;
                -*|install) ;;
                *) echo "E: Unable to locate package $pkg" >&2; exit 100 ;;
              esac
            done
            """;

    static final String RUNUSER = """
            #!/usr/bin/env bash
            . "$STUB_LIB"
            while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
            shift
            exec "$@"
            """;

    static final String SUDO = """
            #!/usr/bin/env bash
            . "$STUB_LIB"
            exec "$@"
            """;

    /** Commands that exist only once apt-get (the stub) installed their package. */
    static final Map<String, String> PACKAGE_STUBS = new LinkedHashMap<>();

    static {
        // tools ./hes only installs (the captures' tshark, the kernel-loss test's nft, the HTML report's chromium, the
        // MDMS test's mosquitto_sub)
        for (String tool : new String[] {"tshark", "nft", "chromium", "mosquitto_sub"}) {
            PACKAGE_STUBS.put(tool, """
                    #!/usr/bin/env bash
                    . "$STUB_LIB"
                    """);
        }
        PACKAGE_STUBS.put("psql", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                port=5432 check=false
                while [ $# -gt 0 ]; do
                  case "$1" in -p) port="$2"; shift ;; -tAc) check=true ;; esac
                  shift
                done
                listening "$port" || { echo "psql: error: connection to server on port $port failed" >&2; exit 2; }
                if $check; then
                  [ -e "$STUB_STATE/databases" ] && { echo 1; exit 0; }
                  echo "psql: error: database does not exist" >&2; exit 2
                fi
                cat >/dev/null
                : >"$STUB_STATE/databases"
                """);
        PACKAGE_STUBS.put("pg_lsclusters", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                [ -e "$STUB_STATE/pg-cluster" ] || exit 0
                status=down
                listening "$HES_DB_PORT" && status=online
                echo "16 main $HES_DB_PORT $status postgres /var/lib/postgresql/16/main /var/log/postgresql/postgresql-16-main.log"
                """);
        PACKAGE_STUBS.put("pg_ctlcluster", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                [ "$1" = --skip-systemctl-redirect ] && shift
                [ "$1 $2" = "16 main" ] || { echo "Error: specified cluster '$1 $2' does not exist" >&2; exit 1; }
                case "$3" in
                  start)
                    [ -e "$STUB_STATE/pg-fail" ] && { echo "Error: simulated start failure" >&2; exit 1; }
                    [ -e "$STUB_STATE/pg-running" ] && { echo "Cluster is already running." >&2; exit 2; }
                    : >"$STUB_STATE/pg-running"; request start postgres ;;
                  stop)
                    [ -e "$STUB_STATE/pg-running" ] || { echo "Cluster is not running." >&2; exit 2; }
                    rm -f "$STUB_STATE/pg-running"; request stop postgres ;;
                  *) exit 1 ;;
                esac
                """);
        PACKAGE_STUBS.put("rabbitmq-server", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                [ "${1:-}" = -detached ] || { echo "stub: only -detached" >&2; exit 1; }
                : >"$STUB_STATE/mq-running"
                request start rabbitmq 300
                """);
        PACKAGE_STUBS.put("rabbitmqctl", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                [ "${1:-}" = -q ] && shift
                running() { [ -e "$STUB_STATE/mq-running" ] || { echo "Error: unable to perform an operation on node 'rabbit@stub'" >&2; exit 69; }; }
                case "${1:-}" in
                  status) running ;;
                  stop) running; rm -f "$STUB_STATE/mq-running"; request stop rabbitmq ;;
                  *) echo "stub: unsupported rabbitmqctl $*" >&2; exit 64 ;;
                esac
                """);
        PACKAGE_STUBS.put("rabbitmq-plugins", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                [ "${1:-}" = -q ] && shift
                case "${1:-}" in
                  list) cat "$STUB_STATE/plugins" 2>/dev/null; exit 0 ;;
                  enable)
                    [ -e "$STUB_STATE/mq-running" ] || { echo "Error: unable to contact node" >&2; exit 69; }
                    echo "$2" >>"$STUB_STATE/plugins" ;;
                  *) echo "stub: unsupported rabbitmq-plugins $*" >&2; exit 64 ;;
                esac
                """);
        // a token is a file in the config's token directory: its name the slot id, its content the label
        PACKAGE_STUBS.put("softhsm2-util", """
                #!/usr/bin/env bash
                . "$STUB_LIB"
                dir="$(sed -n 's/^directories.tokendir = //p' "${SOFTHSM2_CONF:?}")"
                [ -d "$dir" ] || { echo "ERROR: Could not load the SoftHSM configuration." >&2; exit 1; }
                slot() { # id label initialized
                  printf 'Slot %s\\n    Slot info:\\n        Token present:    yes\\n    Token info:\\n' "$1"
                  printf '        Initialized:      %s\\n        Label:            %-32s\\n' "$3" "$2"
                }
                case "${1:-}" in
                  --show-slots)
                    echo "Available slots:"
                    n=0
                    for f in "$dir"/*; do
                      [ -e "$f" ] || continue
                      slot "$(basename "$f")" "$(cat "$f")" yes
                      n=$((n + 1))
                    done
                    slot "$n" "" no ;;
                  --init-token)
                    label=
                    while [ $# -gt 0 ]; do [ "$1" = --label ] && label="$2"; shift; done
                    id=$((1794113000 + $(ls "$dir" | wc -l)))
                    printf '%s' "$label" >"$dir/$id"
                    echo "The token has been initialized and is reassigned to slot $id" ;;
                  *) echo "stub: unsupported softhsm2-util $*" >&2; exit 64 ;;
                esac
                """);
    }
}
