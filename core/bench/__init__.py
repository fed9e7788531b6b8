"""``thidua bench``: the platform's figures at city scale, each beside a plain baseline measured in
the same run (see docs/performance.md). One module per concern: the throw-away database
(:mod:`.scratch`), the city's data (:mod:`.dataset`), the servers (:mod:`.server`, :mod:`.bare`),
the load generator (:mod:`.load`), the figures (:mod:`.figures`), the table (:mod:`.output`) and
the command (:mod:`.cli`)."""
