package fr.habilis.client.relying;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Plain HTTP for OCSP and CRLs, with the bounds a TLS server needs: a connect timeout, a read
 * timeout (longest wait for the next bytes) and a size limit, so a slow or hostile server cannot
 * hold a handshake thread or fill the heap.
 *
 * <p>HttpURLConnection rather than java.net.http.HttpClient: it is synchronous (the caller is a
 * blocked handshake thread anyway), applies the JVM's proxy settings by default, keeps connections
 * alive across calls and needs no client object to shut down on Java 11.
 */
final class HttpFetcher {
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  HttpFetcher(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeoutMillis = Math.toIntExact(Math.max(1, connectTimeout.toMillis()));
    this.readTimeoutMillis = Math.toIntExact(Math.max(1, readTimeout.toMillis()));
  }

  /** POSTs {@code body}; redirects are not followed (an OCSP responder has no reason to redirect). */
  byte[] post(URI url, String contentType, byte[] body, String accept, int maxBytes) throws StatusUnavailableException {
    HttpURLConnection c = open(url, accept);
    try {
      c.setRequestMethod("POST");
      c.setInstanceFollowRedirects(false);
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", contentType);
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      return read(url, c, maxBytes);
    } catch (IOException e) {
      throw failure(url, e);
    } finally {
      c.disconnect();
    }
  }

  /** GETs; same-scheme redirects are followed (HttpURLConnection never follows http↔https). */
  byte[] get(URI url, String accept, int maxBytes) throws StatusUnavailableException {
    HttpURLConnection c = open(url, accept);
    try {
      c.setRequestMethod("GET");
      c.setInstanceFollowRedirects(true);
      return read(url, c, maxBytes);
    } catch (IOException e) {
      throw failure(url, e);
    } finally {
      c.disconnect();
    }
  }

  private HttpURLConnection open(URI url, String accept) throws StatusUnavailableException {
    try {
      URLConnection conn = url.toURL().openConnection();
      if (!(conn instanceof HttpURLConnection)) throw new StatusUnavailableException("not an HTTP URL: " + url, false);
      HttpURLConnection c = (HttpURLConnection) conn;
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      c.setUseCaches(false);
      c.setRequestProperty("Accept", accept);
      return c;
    } catch (IOException | IllegalArgumentException e) {
      throw new StatusUnavailableException("cannot open " + url + ": " + e, false);
    }
  }

  private static byte[] read(URI url, HttpURLConnection c, int maxBytes) throws IOException, StatusUnavailableException {
    int status = c.getResponseCode();
    if (status != HttpURLConnection.HTTP_OK) {
      drain(c);
      throw new StatusUnavailableException(url + " answered HTTP " + status, true);
    }
    long declared = c.getContentLengthLong();
    if (declared > maxBytes) {
      throw new StatusUnavailableException(url + " sent " + declared + " bytes, more than the limit of " + maxBytes, true);
    }
    try (InputStream in = c.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) != -1) {
        if (out.size() + n > maxBytes) {
          throw new StatusUnavailableException(url + " sent more than the limit of " + maxBytes + " bytes", true);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  /** Reads and drops an error body so the connection can be reused. */
  private static void drain(HttpURLConnection c) {
    try (InputStream err = c.getErrorStream()) {
      if (err != null) err.readNBytes(64 * 1024);
    } catch (IOException e) {
      // The connection is not reused then; nothing else to do.
    }
  }

  private StatusUnavailableException failure(URI url, IOException e) {
    String what;
    if (e instanceof SocketTimeoutException) {
      what = "no answer within " + (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect")
          ? connectTimeoutMillis + " ms (connect)" : readTimeoutMillis + " ms (read)");
    } else if (e instanceof ConnectException) {
      what = "connection refused";
    } else if (e instanceof UnknownHostException) {
      what = "unknown host " + e.getMessage();
    } else {
      what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return new StatusUnavailableException(url + ": " + what, true);
  }
}
