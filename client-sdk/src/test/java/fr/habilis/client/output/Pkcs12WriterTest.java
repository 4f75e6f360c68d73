package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class Pkcs12WriterTest {

  static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  static final String NAME = "cabinet-dupont-auth";

  @TempDir
  Path dir;

  static Stream<Arguments> formatsAndKeys() {
    return Stream.of(Pkcs12Format.values())
        .flatMap(format -> TestPki.both().stream().map(issued -> Arguments.of(format, issued)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formatsAndKeys")
  void opensWithJavaKeyStoreUnderTheFriendlyNameWithMatchingKeyAndCompleteChain(Pkcs12Format format,
      TestPki.Issued issued) throws Exception {
    Path file = dir.resolve("keystore.p12");
    Pkcs12Writer.write(file, issued.key(), issued.chain(), PASSWORD, NAME, format);

    KeyStore store = load(Files.readAllBytes(file), PASSWORD);

    assertEquals(List.of(NAME), Collections.list(store.aliases()));
    assertTrue(store.isKeyEntry(NAME));
    PrivateKey key = (PrivateKey) store.getKey(NAME, PASSWORD);
    assertArrayEquals(issued.key().getEncoded(), key.getEncoded());
    assertTrue(signsForLeaf(key, issued.leaf()), "the key verifies against the leaf's public key");
    assertEquals(issued.chain(), Arrays.asList(store.getCertificateChain(NAME)));
    assertEquals("rw-------", AtomicFilesTest.permissions(file));
  }

  @Test
  void chainGivenWithTheRootIsStoredWholeAndInOrder() throws Exception {
    TestPki.Issued issued = TestPki.EC;
    List<X509Certificate> withRoot = List.of(issued.leaf(), issued.ca(), issued.root());

    KeyStore store = load(Pkcs12Writer.encode(issued.key(), withRoot, PASSWORD, NAME, Pkcs12Format.MODERN), PASSWORD);

    assertEquals(withRoot, Arrays.<Certificate>asList(store.getCertificateChain(NAME)));
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Format.class)
  void wrongPasswordDoesNotOpen(Pkcs12Format format) {
    byte[] p12 = Pkcs12Writer.encode(TestPki.RSA.key(), TestPki.RSA.chain(), PASSWORD, NAME, format);

    IOException error = assertThrows(IOException.class, () -> load(p12, "wrong password".toCharArray()));

    assertTrue(error.getMessage().contains("password"), error.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Format.class)
  void keyAndLeafShareFriendlyNameAndLocalKeyIdAndCaCarriesItsCommonName(Pkcs12Format format) throws Exception {
    TestPki.Issued issued = TestPki.RSA;
    Contents p12 = Contents.of(Pkcs12Writer.encode(issued.key(), issued.chain(), PASSWORD, NAME, format));

    byte[] keyId = Pkcs12Writer.localKeyId(issued.leaf());
    assertEquals(20, keyId.length);
    assertEquals(NAME, attribute(p12.keyBag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName));
    assertEquals(new DEROctetString(keyId), attribute(p12.keyBag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId));

    assertEquals(2, p12.certBags.size());
    PKCS12SafeBag leafBag = p12.certBags.get(0);
    assertEquals(new X509CertificateHolder(issued.leaf().getEncoded()), leafBag.getBagValue());
    assertEquals(NAME, attribute(leafBag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName));
    assertEquals(new DEROctetString(keyId), attribute(leafBag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId));

    PKCS12SafeBag caBag = p12.certBags.get(1);
    assertEquals(new X509CertificateHolder(issued.ca().getEncoded()), caBag.getBagValue());
    assertEquals("Habilis Test CA Personnes Morales", attribute(caBag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName));
    assertNull(attribute(caBag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId));
  }

  @Test
  void modernUsesPbes2WithPbkdf2HmacSha256AndAes256AndASha256Mac() throws Exception {
    Contents p12 = Contents.of(Pkcs12Writer.encode(TestPki.EC.key(), TestPki.EC.chain(), PASSWORD, NAME,
        Pkcs12Format.MODERN));

    assertEquals(NISTObjectIdentifiers.id_sha256, p12.mac.getMac().getAlgorithmId().getAlgorithm());
    assertEquals(10_000, p12.mac.getIterationCount().intValue());
    assertPbes2(p12.certEncryption);
    assertPbes2(p12.keyEncryption);
  }

  @Test
  void legacyUsesTripleDesForTheKeyRc2ForTheCertificatesAndASha1Mac() throws Exception {
    Contents p12 = Contents.of(Pkcs12Writer.encode(TestPki.EC.key(), TestPki.EC.chain(), PASSWORD, NAME,
        Pkcs12Format.LEGACY));

    assertEquals(OIWObjectIdentifiers.idSHA1, p12.mac.getMac().getAlgorithmId().getAlgorithm());
    assertEquals(2_048, p12.mac.getIterationCount().intValue());
    assertEquals(PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC, p12.certEncryption.getAlgorithm());
    assertEquals(2_048, PKCS12PBEParams.getInstance(p12.certEncryption.getParameters()).getIterations().intValue());
    assertEquals(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, p12.keyEncryption.getAlgorithm());
    assertEquals(2_048, PKCS12PBEParams.getInstance(p12.keyEncryption.getParameters()).getIterations().intValue());
  }

  @ParameterizedTest
  @EnumSource(Pkcs12Format.class)
  void friendlyNameWithAccentsAndCapitalsIsTheKeyStoreAlias(Pkcs12Format format) throws Exception {
    String name = "Cabinet Médical Dupont";
    byte[] p12 = Pkcs12Writer.encode(TestPki.EC.key(), TestPki.EC.chain(), PASSWORD, name, format);

    KeyStore store = load(p12, PASSWORD);

    // The JDK lists PKCS#12 aliases in lower case and finds them in any case; the file keeps the name.
    assertEquals(List.of("cabinet médical dupont"), Collections.list(store.aliases()));
    assertTrue(store.isKeyEntry(name));
    assertArrayEquals(TestPki.EC.key().getEncoded(), store.getKey(name, PASSWORD).getEncoded());
    assertEquals(name, attribute(Contents.of(p12).keyBag(), PKCSObjectIdentifiers.pkcs_9_at_friendlyName));
  }

  @Test
  void passwordWithCharactersJavaCannotOpenIsRefused() {
    for (String password : new String[] {"Sécurité", "euro€", "tab\tbed"}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
          TestPki.EC.key(), TestPki.EC.chain(), password.toCharArray(), NAME, Pkcs12Format.MODERN));
      assertTrue(error.getMessage().startsWith("the PKCS#12 password may only contain printable ASCII"),
          error.getMessage());
    }
  }

  @Test
  void everyPrintableAsciiCharacterIsAcceptedInThePassword() throws Exception {
    StringBuilder printable = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      printable.append(c);
    }
    char[] password = printable.toString().toCharArray();

    KeyStore store = load(Pkcs12Writer.encode(TestPki.EC.key(), TestPki.EC.chain(), password, NAME,
        Pkcs12Format.MODERN), password);

    assertArrayEquals(TestPki.EC.key().getEncoded(), store.getKey(NAME, password).getEncoded());
  }

  @Test
  void emptyOrMissingPasswordIsRefused() {
    for (char[] password : new char[][] {null, new char[0]}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
          TestPki.RSA.key(), TestPki.RSA.chain(), password, NAME, Pkcs12Format.MODERN));
      assertTrue(error.getMessage().contains("password"), error.getMessage());
    }
  }

  @Test
  void missingFriendlyNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
        TestPki.RSA.key(), TestPki.RSA.chain(), PASSWORD, " ", Pkcs12Format.MODERN));
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    IllegalArgumentException rsaForEc = assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
        TestPki.RSA.key(), TestPki.EC.chain(), PASSWORD, NAME, Pkcs12Format.MODERN));
    IllegalArgumentException otherEcKey = assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
        TestPki.ec().getPrivate(), TestPki.EC.chain(), PASSWORD, NAME, Pkcs12Format.MODERN));

    assertTrue(rsaForEc.getMessage().startsWith("the private key (RSA) does not belong to the certificate"),
        rsaForEc.getMessage());
    assertTrue(otherEcKey.getMessage().startsWith("the private key does not belong to the certificate "),
        otherEcKey.getMessage());
    assertTrue(otherEcKey.getMessage().contains("CN=laboratoire-martin.test"), otherEcKey.getMessage());
  }

  @Test
  void chainOutOfOrderOrEmptyIsRefused() {
    TestPki.Issued issued = TestPki.RSA;
    IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
        issued.key(), List.of(issued.leaf(), issued.root(), issued.ca()), PASSWORD, NAME, Pkcs12Format.MODERN));
    assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.encode(
        issued.key(), List.of(), PASSWORD, NAME, Pkcs12Format.MODERN));

    assertTrue(reversed.getMessage().startsWith("the chain is not in order"), reversed.getMessage());
  }

  @Test
  void failedWriteKeepsThePreviousKeystore() throws Exception {
    Path file = dir.resolve("keystore.p12");
    Pkcs12Writer.write(file, TestPki.RSA.key(), TestPki.RSA.chain(), PASSWORD, NAME, Pkcs12Format.MODERN);
    byte[] before = Files.readAllBytes(file);

    assertThrows(IllegalArgumentException.class, () -> Pkcs12Writer.write(file, TestPki.RSA.key(),
        TestPki.EC.chain(), PASSWORD, NAME, Pkcs12Format.MODERN));

    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of("keystore.p12"), AtomicFilesTest.names(dir));
  }

  static KeyStore load(byte[] p12, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(p12), password);
    return store;
  }

  private static boolean signsForLeaf(PrivateKey key, X509Certificate leaf) throws Exception {
    String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(leaf);
    verifier.update(new byte[] {1, 2, 3});
    return verifier.verify(signature);
  }

  private static void assertPbes2(AlgorithmIdentifier encryption) {
    assertEquals(PKCSObjectIdentifiers.id_PBES2, encryption.getAlgorithm());
    PBES2Parameters pbes2 = PBES2Parameters.getInstance(encryption.getParameters());
    assertEquals(PKCSObjectIdentifiers.id_PBKDF2, pbes2.getKeyDerivationFunc().getAlgorithm());
    PBKDF2Params pbkdf2 = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
    assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA256, pbkdf2.getPrf().getAlgorithm());
    assertEquals(10_000, pbkdf2.getIterationCount().intValue());
    assertEquals(NISTObjectIdentifiers.id_aes256_CBC, pbes2.getEncryptionScheme().getAlgorithm());
  }

  /** The value of a bag attribute: a String for a BMPString, else the ASN.1 object; null if absent. */
  private static Object attribute(PKCS12SafeBag bag, ASN1ObjectIdentifier type) {
    Attribute[] attributes = bag.getAttributes();
    if (attributes == null) {
      return null;
    }
    for (Attribute attribute : attributes) {
      if (attribute.getAttrType().equals(type)) {
        Object value = attribute.getAttrValues().getObjectAt(0);
        return value instanceof DERBMPString ? ((DERBMPString) value).getString() : value;
      }
    }
    return null;
  }

  /** A PFX taken apart with Bouncy Castle, a third reader besides the JDK and OpenSSL. */
  record Contents(MacData mac, AlgorithmIdentifier certEncryption, List<PKCS12SafeBag> certBags,
      AlgorithmIdentifier keyEncryption, PKCS12SafeBag keyBag) {

    static Contents of(byte[] der) throws Exception {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(der);
      assertTrue(pfx.isMacValid(new BcPKCS12MacCalculatorBuilderProvider(BcDefaultDigestProvider.INSTANCE), PASSWORD));
      ContentInfo[] infos = pfx.getContentInfos();
      assertEquals(2, infos.length);
      assertEquals(PKCSObjectIdentifiers.encryptedData, infos[0].getContentType());
      assertEquals(PKCSObjectIdentifiers.data, infos[1].getContentType());

      AlgorithmIdentifier certEncryption = EncryptedData.getInstance(infos[0].getContent()).getEncryptionAlgorithm();
      List<PKCS12SafeBag> certBags = List.of(new PKCS12SafeBagFactory(infos[0],
          new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(new BouncyCastleProvider()).build(PASSWORD))
          .getSafeBags());
      for (PKCS12SafeBag bag : certBags) {
        assertEquals(PKCSObjectIdentifiers.certBag, bag.getType());
      }
      PKCS12SafeBag[] keyBags = new PKCS12SafeBagFactory(infos[1]).getSafeBags();
      assertEquals(1, keyBags.length);
      assertEquals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag, keyBags[0].getType());
      PKCS8EncryptedPrivateKeyInfo key = assertInstanceOf(PKCS8EncryptedPrivateKeyInfo.class, keyBags[0].getBagValue());
      assertFalse(certBags.isEmpty());
      return new Contents(pfx.toASN1Structure().getMacData(), certEncryption, certBags,
          key.getEncryptionAlgorithm(), keyBags[0]);
    }
  }
}
