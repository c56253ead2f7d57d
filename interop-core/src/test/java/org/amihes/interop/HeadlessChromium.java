package org.amihes.interop;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (JDK WebSocket, no driver library): open a page,
 * collect its console errors and uncaught exceptions, evaluate expressions, take a screenshot. Started with the
 * flags this machine needs (NOTES.md) and a fresh profile directory; {@link #close()} ends the browser and every
 * process it started.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket, Receiver receiver) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        receiver.owner = this;
    }

    /** The executable: HES_CHROMIUM, else Debian's /usr/bin/chromium (./hes test installs it). */
    static Path executable() {
        String configured = System.getenv("HES_CHROMIUM");
        Path path = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing: ./hes test installs Debian's chromium "
                    + "(apt-get install chromium), or set HES_CHROMIUM to a Chromium executable");
        }
        return path;
    }

    static HeadlessChromium start() throws Exception {
        Path profile = Files.createTempDirectory("hes-chromium-");
        Process process = new ProcessBuilder(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1400,1000", "about:blank").redirectErrorStream(true).start();
        CompletableFuture<String> browserUrl = new CompletableFuture<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        browserUrl.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the browser ended
            }
            browserUrl.completeExceptionally(new IllegalStateException("chromium ended before DevTools listened: "
                    + String.join("\n", lines)));
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        try {
            URI browser = URI.create(browserUrl.get(60, TimeUnit.SECONDS));
            String page = pageSocket(browser);
            Receiver receiver = new Receiver();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(page), receiver)
                    .get(30, TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, profile, socket, receiver);
            chromium.output.addAll(lines);
            chromium.call("Runtime.enable", new JsonObject());
            chromium.call("Log.enable", new JsonObject());
            chromium.call("Page.enable", new JsonObject());
            return chromium;
        } catch (Exception e) {
            kill(process);
            delete(profile);
            throw e;
        }
    }

    /** The first page target's WebSocket (the about:blank the browser opened). */
    private static String pageSocket(URI browser) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
        for (int attempt = 0; attempt < 100; attempt++) {
            JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(list).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (int i = 0; i < targets.size(); i++) {
                JsonObject t = targets.getJsonObject(i);
                if ("page".equals(t.getString("type")) && t.getString("webSocketDebuggerUrl") != null) {
                    return t.getString("webSocketDebuggerUrl");
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromium opened no page target");
    }

    /** Sends a DevTools command and waits for its result (an error answer throws). */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
                .get(30, TimeUnit.SECONDS);
        JsonObject reply = answer.get(120, TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + reply.getJsonObject("error"));
        }
        return reply.getJsonObject("result", new JsonObject());
    }

    /** Navigates and waits for the page's load event; the events before it are forgotten. */
    void open(URI url) throws Exception {
        events.clear();
        JsonObject nav = call("Page.navigate", new JsonObject().put("url", url.toString()));
        if (nav.getString("errorText") != null) {
            throw new IllegalStateException("navigation to " + url + " failed: " + nav.getString("errorText"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (events.stream().noneMatch(e -> "Page.loadEventFired".equals(e.getString("method")))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no load event from " + url);
            }
            Thread.sleep(20);
        }
        // the page has no timers or scripts of its own: one round trip lets late console events arrive
        evaluate("1");
    }

    /** Console errors and warnings, uncaught exceptions and browser log errors (failed loads) since the last open. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        for (JsonObject e : events) {
            JsonObject p = e.getJsonObject("params", new JsonObject());
            switch (e.getString("method", "")) {
                case "Runtime.consoleAPICalled" -> {
                    String type = p.getString("type");
                    if ("error".equals(type) || "warning".equals(type) || "assert".equals(type)) {
                        out.add("console." + type + ": " + p.getJsonArray("args", new JsonArray()).encode());
                    }
                }
                case "Runtime.exceptionThrown" -> out.add("exception: " + p.getJsonObject("exceptionDetails").encode());
                case "Log.entryAdded" -> {
                    JsonObject entry = p.getJsonObject("entry", new JsonObject());
                    if ("error".equals(entry.getString("level")) || "warning".equals(entry.getString("level"))) {
                        out.add("log." + entry.getString("level") + ": " + entry.getString("text") + " "
                                + entry.getString("url", ""));
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    /** The value of a JavaScript expression (returned by value: use JSON.stringify for structures). */
    Object evaluate(String expression) throws Exception {
        JsonObject result = call("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true));
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw " + result.getJsonObject("exceptionDetails"));
        }
        return result.getJsonObject("result").getValue("value");
    }

    /** A PNG of the whole page (up to {@code maxHeight} pixels tall). */
    byte[] screenshot(int width, int maxHeight) throws Exception {
        int height = Math.min(maxHeight, ((Number) evaluate("document.documentElement.scrollHeight")).intValue());
        call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
        JsonObject shot = call("Page.captureScreenshot", new JsonObject().put("format", "png"));
        return Base64.getDecoder().decode(shot.getString("data"));
    }

    @Override
    public void close() {
        socket.abort();
        kill(process);
        delete(profile);
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    private void received(String message) {
        JsonObject m = new JsonObject(message);
        Integer id = m.getInteger("id");
        if (id != null) {
            CompletableFuture<JsonObject> f = pending.remove(id);
            if (f != null) {
                f.complete(m);
            }
        } else {
            events.add(m);
        }
    }

    /** Joins a message's parts and hands whole messages over. */
    private static final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                owner.received(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
