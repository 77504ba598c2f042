package dev.parley.chat.netty;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@link NettyChatServer} finds its TLS certificate and key, so that it serves {@code https://}
 * and {@code wss://} instead of plain HTTP on its one port ({@link NettyConfig.Builder#tls(Tls)}).
 *
 * <p>An immutable value: it names files and reads nothing. The files are read when the server starts
 * ({@link NettyChatServer#start()}), once; a renewed certificate takes effect at the next start, and a
 * file that cannot be read or parsed fails that start with an {@link IllegalArgumentException} naming
 * both files. Safe to share between threads and servers.
 */
public final class Tls {
  private final Path certificateChain;
  private final Path privateKey;

  private Tls(Path certificateChain, Path privateKey) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
  }

  /**
   * TLS from PEM files, as a certificate authority (or {@code certbot}) issues them.
   *
   * @param certificateChain the server's certificate followed by its intermediates, each a {@code
   *     -----BEGIN CERTIFICATE-----} block ({@code fullchain.pem})
   * @param privateKey the certificate's private key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE
   *     KEY-----}); a PKCS#1 key ({@code BEGIN RSA PRIVATE KEY}) is not read, convert it with {@code
   *     openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem}
   */
  public static Tls pem(Path certificateChain, Path privateKey) {
    return new Tls(Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"));
  }

  /** The PEM file of the certificate chain, server certificate first. */
  public Path certificateChain() {
    return certificateChain;
  }

  /** The PEM file of the unencrypted PKCS#8 private key. */
  public Path privateKey() {
    return privateKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tls t && t.certificateChain.equals(certificateChain) && t.privateKey.equals(privateKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(certificateChain, privateKey);
  }

  @Override
  public String toString() {
    return "Tls.pem(" + certificateChain + ", " + privateKey + ")";
  }
}
