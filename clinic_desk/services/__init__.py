"""The desk without its screen (no Textual here).

- ports over the libraries below: ``card`` (reader), ``gateway`` (eligibility
  client), ``store`` (offline cache), and ``reverify`` (offline visits re-checked);
- the desk's sources (``sources``): the clinic's (``production``), virtual cards
  (``virtual_cards``), the embedded gateway (``embedded_gateway``), a temporary cache;
- the one builder of a desk (``assembly.assemble_desk``) and what it returns
  (``desk.DeskServices``); the demo desk (``demo``).
"""
