import time
from common import *
d = data()
t=time.time()
# production-equivalent models via warta itself
m = T.fit_task(EMOTION, d["emot_train"], seed=SEED)
p = m.predict_proba(d["emot_valid"].texts); print("emot", macro_f1(d["emot_valid"].labels, [m.labels[i] for i in p.argmax(1)]), time.time()-t)
t=time.time()
m = T.fit_sentiment(d["smsa_train"], d["policy"], seed=SEED)
p = m.predict_proba(d["smsa_valid"].texts); print("smsa mixture", macro_f1(d["smsa_valid"].labels, [m.labels[i] for i in p.argmax(1)]), time.time()-t)
