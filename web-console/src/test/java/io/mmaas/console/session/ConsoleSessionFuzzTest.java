package io.mmaas.console.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the console's session cookie, its CSRF checks and the sign-in form, through a real console (with the
 * fake admin API next to it) over raw HTTP. Input: a mode byte, then lines (split at newlines, CR dropped):
 * {@code g} GET /login with cookie line 1; {@code l} POST /login with cookie line 1 and form body line 2;
 * {@code v} POST /login with a valid pre-session cookie and CSRF token followed by form body line 1 (fuzzed
 * credentials); {@code p} GET the path on line 1 with cookie line 2; {@code s} a signed-in user's session cookie plus
 * cookie line 1 and form body line 2 posted to /logout, /tenants or /account/password (by line 3's length). The same
 * strings also go straight to {@link LoginCsrf} and {@link SessionCodec}. Contract: every answer is a page, redirect
 * or 4xx — never a 5xx, no answer, or a hang; no session starts without the right CSRF token and credentials; no
 * fuzzed string passes as a pre-session token or a session id.
 *
 * <p>Seeds replay in every test run; {@code JAZZER_FUZZ=1} fuzzes ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: console cookies, CSRF tokens and sign-in forms never get a 5xx or a session they should not")
class ConsoleSessionFuzzTest {
  private static final Set<Integer> ALLOWED = Set.of(200, 301, 302, 303, 400, 401, 403, 404, 405, 413, 414, 429, 431);
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern SET_COOKIE = Pattern.compile("(?im)^set-cookie: ([^=]+)=([^;\r\n]*)");
  private static final String[] SIGNED_IN_FORMS = {"/logout", "/tenants", "/account/password"};
  private static final LoginCsrf LOCAL_CSRF = LoginCsrf.withRandomKey(Clock.systemUTC());
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");
  private static final SessionCodec LOCAL_SESSIONS = new SessionCodec(SessionKeys.random(), Clock.systemUTC());

  private static Vertx vertx;
  private static int port;
  private static String preSession;
  private static String loginToken;
  private static String session;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    ConsoleFixture fixture = ConsoleFixture.start(vertx, false).await();
    port = fixture.console.port();
    Response form = send("GET /login", "", null);
    preSession = form.cookie(SessionCookies.LOGIN);
    Matcher m = CSRF.matcher(form.body());
    assertThat(m.find()).isTrue();
    loginToken = m.group(1);
    Response signedIn = send("POST /login", SessionCookies.LOGIN + "=" + preSession, ("_csrf=" + enc(loginToken)
        + "&username=" + enc(FakeAdminApi.ADMIN) + "&password=" + enc(FakeAdminApi.ADMIN_PASSWORD))
        .getBytes(StandardCharsets.UTF_8));
    session = signedIn.cookie(SessionCookies.SESSION);
    assertThat(session).isNotEmpty();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @FuzzTest(maxDuration = "10m")
  void request(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    // the target talks to its own console, and the console to its fake admin API, on loopback: that is not SSRF
    BugDetectors.allowNetworkConnections((host, ignored) -> LOOPBACK.contains(host));
    byte mode = input[0];
    List<byte[]> lines = lines(Arrays.copyOfRange(input, 1, input.length));
    String first = text(lines, 0);
    String second = text(lines, 1);
    assertThat(LOCAL_CSRF.verify(first, second)).isFalse();
    assertThat(LOCAL_CSRF.verify(second, first)).isFalse();
    assertThat(LOCAL_SESSIONS.open(first)).isNull();
    Response response;
    boolean mayStartSession = false;
    switch (mode) {
      case 'g' -> response = send("GET /login", first, null);
      case 'l' -> response = send("POST /login", first, bytes(lines, 1));
      case 'v' -> {
        byte[] credentials = bytes(lines, 0);
        byte[] body = concat(("_csrf=" + enc(loginToken) + "&").getBytes(StandardCharsets.UTF_8), credentials);
        response = send("POST /login", SessionCookies.LOGIN + "=" + preSession + "; " + second, body);
        mayStartSession = true;
      }
      case 'p' -> response = send("GET " + path(first), second, null);
      case 's' -> {
        String path = SIGNED_IN_FORMS[bytes(lines, 2).length % SIGNED_IN_FORMS.length];
        response = send("POST " + path, SessionCookies.SESSION + "=" + session + "; " + first, bytes(lines, 1));
      }
      default -> {
        return;
      }
    }
    assertThat(ALLOWED).as("status of %s", response.head()).contains(response.status());
    String started = response.cookie(SessionCookies.SESSION);
    if (started != null && !started.isEmpty()) {
      assertThat(mayStartSession).as("a session started without the form's CSRF token").isTrue();
      assertThat(response.status()).isEqualTo(303);
    }
  }

  /** One HTTP/1.1 exchange on a new connection, as raw bytes; {@code cookie} may be empty. */
  private static Response send(String requestLine, String cookie, byte[] body) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
        .append("\r\nConnection: close\r\n");
    if (!cookie.isEmpty()) {
      head.append("Cookie: ").append(cookie).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length)
          .append("\r\n");
    }
    request.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      request.write(body);
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      // Netty answers what it cannot parse (a request line over its limit: 414) in HTTP/1.0
      assertThat(answer).as("an answer to %s", requestLine).matches("(?s)HTTP/1\\.[01] \\d{3} .*");
      return new Response(answer);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within 10 s to " + requestLine, e);
    }
  }

  private record Response(String raw) {
    int status() {
      return Integer.parseInt(raw.substring(9, 12));
    }

    String head() {
      int end = raw.indexOf("\r\n");
      return end < 0 ? raw : raw.substring(0, end);
    }

    String body() {
      int start = raw.indexOf("\r\n\r\n");
      return start < 0 ? "" : raw.substring(start + 4);
    }

    /** The last value set for this cookie, or null. */
    String cookie(String name) {
      int headEnd = raw.indexOf("\r\n\r\n");
      Matcher m = SET_COOKIE.matcher(headEnd < 0 ? raw : raw.substring(0, headEnd));
      String value = null;
      while (m.find()) {
        if (m.group(1).trim().equals(name)) {
          value = m.group(2);
        }
      }
      return value;
    }
  }

  private static List<byte[]> lines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (byte b : bytes) {
      if (b == '\n') {
        lines.add(line.toByteArray());
        line.reset();
      } else if (b != '\r') {
        line.write(b);
      }
    }
    lines.add(line.toByteArray());
    return lines;
  }

  private static byte[] bytes(List<byte[]> lines, int i) {
    return i < lines.size() ? lines.get(i) : new byte[0];
  }

  private static String text(List<byte[]> lines, int i) {
    return new String(bytes(lines, i), StandardCharsets.UTF_8);
  }

  /** A request target from fuzzed text: a leading slash, and what HTTP cannot carry raw percent-encoded. */
  private static String path(String text) {
    StringBuilder out = new StringBuilder("/");
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != '#' && !(out.length() == 1 && c == '/')) {
        out.append((char) c);
      } else if (c != '/') {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
