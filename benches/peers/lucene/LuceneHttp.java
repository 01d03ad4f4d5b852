// Lucene 8 (Debian liblucene8-java) with the Morfologik Polish lemmatiser, behind a minimal HTTP
// server: the analysis chain Elasticsearch and Solr users in Poland run (analysis-morfologik).
// Derived from the wrapper in shared/notes/peers.md; extended to index the same fields as Ławka
// (title, question, answers) and to search them with the same weights (title^3 question^1.5
// answers^1), BM25 (k1=1.2, b=0.75), lowercase before and after the lemma lookup.
//
// Usage: java -cp "$CP:." LuceneHttp <docs.tsv: id<TAB>title<TAB>question<TAB>answers> <indexDir> <port>
// GET /search?q=...&k=10  ->  {"hits":[{"id":"...","score":1.2},...]}
// Query syntax is escaped, so any text is a plain OR query (more-like-this: a seed's 80 words).
import com.sun.net.httpserver.*;
import java.net.*; import java.nio.charset.StandardCharsets; import java.nio.file.*; import java.util.*;
import java.util.concurrent.Executors;
import org.apache.lucene.analysis.*; import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.morfologik.MorfologikFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.*; import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser; import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*; import org.apache.lucene.store.*;

public class LuceneHttp {
  static final String[] FIELDS = {"title", "question", "answers"};
  static final Map<String, Float> BOOSTS = Map.of("title", 3.0f, "question", 1.5f, "answers", 1.0f);

  static Analyzer morfologik() {
    return new Analyzer() {  // lowercase -> Morfologik lemmas -> lowercase -> dedupe
      protected TokenStreamComponents createComponents(String f) {
        StandardTokenizer src = new StandardTokenizer();
        TokenStream ts = new RemoveDuplicatesTokenFilter(new LowerCaseFilter(new MorfologikFilter(new LowerCaseFilter(src))));
        return new TokenStreamComponents(src, ts);
      }
      protected TokenStream normalize(String f, TokenStream in) { return new LowerCaseFilter(in); }
    };
  }

  public static void main(String[] a) throws Exception {
    // 80 words x 3 fields x several Morfologik lemmas each can pass the default limit of 1024.
    BooleanQuery.setMaxClauseCount(16384);
    Analyzer an = morfologik(); Directory dir = FSDirectory.open(Paths.get(a[1]));
    long t0 = System.nanoTime(); int n = 0;
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(an).setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(256))) {
      for (String line : Files.readAllLines(Paths.get(a[0]))) {
        String[] p = line.split("\t", 4); Document d = new Document();
        d.add(new StringField("id", p[0], Field.Store.YES));
        for (int i = 0; i < FIELDS.length; i++) d.add(new TextField(FIELDS[i], p[i + 1], Field.Store.NO));
        w.addDocument(d); n++;
      }
      w.forceMerge(1);
    }
    System.err.printf("indexed %d docs in %.1f ms%n", n, (System.nanoTime() - t0) / 1e6);
    IndexSearcher s = new IndexSearcher(DirectoryReader.open(dir));
    HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[2])), 256);
    srv.createContext("/search", ex -> {
      String q = "", k = "10";
      String raw = ex.getRequestURI().getRawQuery();
      if (raw != null) for (String kv : raw.split("&")) { String[] p = kv.split("=", 2);
        String v = p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "";
        if (p[0].equals("q")) q = v; else if (p[0].equals("k")) k = v; }
      StringBuilder sb = new StringBuilder("{\"hits\":["); int code = 200;
      try {
        MultiFieldQueryParser qp = new MultiFieldQueryParser(FIELDS, an, BOOSTS);
        TopDocs td = s.search(qp.parse(QueryParser.escape(q.toLowerCase(Locale.ROOT))), Integer.parseInt(k));
        for (int i = 0; i < td.scoreDocs.length; i++) { ScoreDoc sd = td.scoreDocs[i];
          sb.append(i > 0 ? "," : "").append("{\"id\":\"").append(s.doc(sd.doc).get("id")).append("\",\"score\":").append(sd.score).append("}"); }
        sb.append("]}");
      } catch (Exception e) { code = 400; sb = new StringBuilder("{\"error\":\"" + e.getClass().getSimpleName() + "\"}"); }
      byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json"); ex.sendResponseHeaders(code, out.length);
      try (var os = ex.getResponseBody()) { os.write(out); }
    });
    srv.setExecutor(Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors()));
    srv.start(); System.err.println("listening on 127.0.0.1:" + a[2]);
  }
}
