package io.nundb.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A walked block as one bash script ({@code set -ex}) that runs its commands as written, in order,
 * with shell state shared between lines (a {@code . ./.env} on one line serves the next). Only what a
 * reader does by hand between lines is added around a command, never changed in it:
 *
 * <ul>
 *   <li>a command that runs a server in the foreground ({@code ./mvnw spring-boot:run},
 *       {@code target/nun-db … start}) starts in a process group of its own; the script goes on once
 *       the server's readiness probe answers on its HTTP port (3013 or its {@code --http-address}),
 *       {@code ping} gets {@code pong} and the admin password the command sets (if it sets one) logs
 *       in, and the group is stopped (TERM, then KILL) when the script
 *       ends;
 *   <li>{@code docker run -d …} is followed by a wait until the container is healthy (its HEALTHCHECK
 *       probes readiness) and, if it publishes the HTTP door on the host, {@code ping} through it;
 *   <li>a status command ({@code docker-compose ps}, {@code docker inspect --format
 *       '{{.State.Health.Status}}' …}) is run again until what it prints is healthy, as a reader looks
 *       again (3 minutes at most);
 *   <li>{@code ./mvnw -B verify} is the build that runs this walk (.ci/run's last command), so it is
 *       not run inside itself;
 *   <li>{@code docker-compose --profile monitoring up -d} runs only when the images the compose file
 *       names are on the engine: they come from a registry, which our machines do not reach; when not
 *       run the line is recorded in {@code $WALK_LOGS/not-run.txt}.
 * </ul>
 *
 * Plain Java, on the test thread.
 */
final class WalkScript {

    static final String VERIFY = "./mvnw -B verify";

    private static final Pattern COMMENT = Pattern.compile("\\s+#.*$");
    /** {@code -p [ip:]host[-end]:container[-end]}: group 1 the first host port, 2 and 3 the container range. */
    private static final Pattern PUBLISH = Pattern.compile("-p\\s+(?:[\\d.]+:)?(\\d+)(?:-\\d+)?:(\\d+)(?:-(\\d+))?");

    /** The admin password a server command sets: {@code NUN_PWD=…} before it, or {@code -u nun -p …}. */
    private static final Pattern ADMIN_PASSWORD = Pattern.compile("(?:^|\\s)NUN_PWD=(\\S+)|-u nun -p (\\S+)");

    private static final Pattern HTTP_ADDRESS = Pattern.compile("--http-address\\s+\\S*:(\\d+)");

    private static final String PRELUDE = """
            __walk_groups=()
            __walk_stop() {
              local g i
              for g in "${__walk_groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
              for g in "${__walk_groups[@]}"; do
                for i in $(seq 1 60); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.5; done
                kill -KILL -- "-$g" 2>/dev/null || true
              done
            }
            trap __walk_stop EXIT
            __walk_foreground() {  # $1: a command that serves in the foreground, as written; $2: its HTTP port;
                                   # $3: the admin password it sets, if it sets one
              local log="$WALK_LOGS/foreground-${#__walk_groups[@]}.log" i reply pid
              setsid bash -c "$1" >"$log" 2>&1 &
              pid=$!
              __walk_groups+=("$pid")
              for i in $(seq 1 600); do
                if curl -fs "http://127.0.0.1:$2/actuator/health/readiness" >/dev/null; then
                  reply=$(curl -fsS -X POST -d ping "http://127.0.0.1:$2/")
                  [[ $reply == *pong* ]] || { echo "ping answered: $reply" >&2; return 1; }
                  if [ -n "${3:-}" ]; then
                    reply=$(curl -fsS -X POST -d "auth nun $3" "http://127.0.0.1:$2/")
                    [[ $reply == *"valid auth"* && $reply != *invalid* ]] \\
                      || { echo "auth nun $3 answered: $reply" >&2; return 1; }
                  fi
                  echo "ready, ping answered pong${3:+, the admin password works} (log: $log)"
                  return 0
                fi
                kill -0 "$pid" 2>/dev/null || { echo "ended before it was ready:" >&2; tail -n 60 "$log" >&2; return 1; }
                sleep 0.5
              done
              echo "not ready within 300 s:" >&2; tail -n 60 "$log" >&2; return 1
            }
            __walk_until_healthy() {  # $1: a status command, as written
              local out i
              for i in $(seq 1 90); do
                out=$(eval "$1" 2>&1) || true
                if [[ $out == *healthy* && $out != *unhealthy* && $out != *starting* ]]; then
                  echo "$out"
                  return 0
                fi
                sleep 2
              done
              echo "$out" >&2
              echo "not healthy within 180 s" >&2
              return 1
            }
            __walk_detached() {  # $1: docker run -d …, as written; $2: the host port of its HTTP door, or none
              local id i status reply=""
              id=$(eval "$1")
              echo "$id"
              for i in $(seq 1 90); do
                status=$(docker inspect --format '{{.State.Health.Status}}' "$id" 2>&1) || true
                if [ "$status" = healthy ]; then
                  if [ "$2" != none ]; then
                    reply=$(curl -fsS -X POST -d ping "http://127.0.0.1:$2/")
                    [[ $reply == *pong* ]] || { echo "ping answered: $reply" >&2; return 1; }
                  fi
                  echo "container ${id:0:12} healthy; ping on host port $2: ${reply:-not tried}"
                  return 0
                fi
                sleep 2
              done
              echo "container ${id:0:12} not healthy within 180 s: $status" >&2
              docker logs --tail 60 "$id" >&2 || true
              return 1
            }
            __walk_run_by_ci() {  # $1: the build command that runs this walk
              echo "not run inside itself: $1 is the build that runs this walk (.ci/run)"
            }
            __walk_with_registry_images() {  # $1: a compose command whose images come from a registry
              local image missing=()
              for image in $(awk '$1 == "image:" && $2 !~ /\\$/ { print $2 }' docker-compose.yml); do
                docker image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
              done
              if [ "${#missing[@]}" -gt 0 ]; then
                echo "$1  (needs ${missing[*]} from a registry)" >>"$WALK_LOGS/not-run.txt"
                return 0
              fi
              eval "$1"
            }
            set -ex
            """;

    private WalkScript() {}

    /** The script for {@code lines}, a walked block's lines. */
    static String of(List<String> lines) {
        StringBuilder script = new StringBuilder(PRELUDE);
        for (String command : commands(lines)) {
            script.append(wrap(command)).append('\n');
        }
        return script.toString();
    }

    /** The block's commands: its lines with backslash continuations joined (newlines kept), blank lines left out. */
    static List<String> commands(List<String> lines) {
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : lines) {
            if (command.isEmpty() && line.isBlank()) {
                continue;
            }
            command.append(line);
            if (line.endsWith("\\")) {
                command.append('\n');
            } else {
                commands.add(command.toString());
                command.setLength(0);
            }
        }
        if (!command.isEmpty()) {
            commands.add(command.toString());
        }
        return commands;
    }

    /** One command as the script runs it: as written, or passed as written to one of the prelude's helpers. */
    static String wrap(String command) {
        String code = COMMENT.matcher(command).replaceFirst("").strip();
        if (code.startsWith("#") || code.isEmpty()) {
            return command;
        }
        if (code.equals(VERIFY)) {
            return "__walk_run_by_ci " + quote(command);
        }
        if (serves(code)) {
            Matcher http = HTTP_ADDRESS.matcher(code);
            Matcher pwd = ADMIN_PASSWORD.matcher(code);
            return "__walk_foreground " + quote(command) + " " + (http.find() ? http.group(1) : "3013")
                    + (pwd.find() ? " " + quote(pwd.group(1) != null ? pwd.group(1) : pwd.group(2)) : "");
        }
        if (code.startsWith("docker run -d ")) {
            return "__walk_detached " + quote(command) + " " + hostHttpPort(code);
        }
        if (code.equals("docker-compose ps") || code.startsWith("docker inspect --format '{{.State.Health.Status}}'")) {
            return "__walk_until_healthy " + quote(command);
        }
        if (code.contains("--profile monitoring")) {
            return "__walk_with_registry_images " + quote(command);
        }
        return command;
    }

    /**
     * The host port a {@code docker run} publishes the container's HTTP door (3013) on ({@code -p
     * 3012-3015:3012-3015}, {@code -p 127.0.0.1:23013:3013}), or {@code none}.
     */
    static String hostHttpPort(String code) {
        Matcher p = PUBLISH.matcher(code);
        while (p.find()) {
            int host = Integer.parseInt(p.group(1));
            int from = Integer.parseInt(p.group(2));
            int to = p.group(3) == null ? from : Integer.parseInt(p.group(3));
            if (from <= 3013 && 3013 <= to) {
                return Integer.toString(host + 3013 - from);
            }
        }
        return "none";
    }

    /** Whether the command runs a server in the foreground. */
    static boolean serves(String code) {
        return code.matches("(.*\\s)?\\./mvnw\\b.*\\sspring-boot:run(\\s.*)?")
                || code.matches("(.*[\\s;&])?target/nun-db\\s.*\\sstart(\\s.*)?");
    }

    /** {@code text} as one single-quoted bash word. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
