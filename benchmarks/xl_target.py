"""XL target: a 120 s wall-clock solve of generate("XL", 1), as a user runs it.

    python benchmarks/xl_target.py

Prints status, KPIs, objective/bound per goal, stage statuses, checker violations, the
hand-rule greedy for comparison and peak memory.
"""
import resource
import time

import logistics
from logistics.generate import generate

t=time.time(); s=generate('XL', seed=1); tg=time.time()-t
t=time.time(); p=logistics.solve(s, time_limit=120); ts=time.time()-t
v=logistics.verify(s,p)
g=logistics.greedy(s)
print('gen', round(tg,1), 'solve wall', round(ts,1), 'status', p.status, 'solver', p.solve.solver)
print('kpis', p.kpis)
print('objective', p.solve.objective, 'bound', p.solve.bound)
print('stages', [(x['goal'], x['status'], round(x['seconds'],1)) for x in p.solve.stages])
print('extra', {k: p.solve.extra.get(k) for k in ('slots','groups','greedy_seconds','greedy_missions','crew_limited_types')})
print('violations', len(v), 'greedy undelivered', g.kpis['undelivered_pax'], g.kpis['undelivered_stons'], 'greedy closure', g.kpis['closure_hour'], 'greedy violations', len(logistics.verify(s,g)))
print('maxrss GB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1e6)
