import re,sys,glob,os
# Helper used while writing texts.json: prints every corpus question whose
# title, question or answers match a regex (case-insensitive), with snippets.
# usage: grep_corpus.py regex [regex...]  -> lists questions matching any (case-insens.)
qs=[]
for f in sorted(glob.glob('/work/main/corpus/meetings/*.md')):
    m=os.path.basename(f)[:-3]
    txt=open(f).read()
    parts=re.split(r'^## (\d+)\. (.*)$',txt,flags=re.M)
    for i in range(1,len(parts),3):
        qs.append((f"{m}/{parts[i]}",parts[i+1],parts[i+2]))
for pat in sys.argv[1:]:
    r=re.compile(pat,re.I)
    hits=[]
    for qid,t,b in qs:
        ms=[mm for mm in r.finditer(t+"\n"+b)]
        if ms:
            s=t+"\n"+b
            snips=[s[max(0,x.start()-60):x.end()+60].replace("\n"," ") for x in ms[:2]]
            hits.append((qid,t,len(ms),snips))
    print(f"### {pat}: {len(hits)} q")
    for h in hits[:15]:
        print(f"  {h[0]} [{h[1]}] x{h[2]}")
        for s in h[3]: print("     ..."+s+"...")
