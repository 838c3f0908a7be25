import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import os

    import marimo as mo

    import nb_label as nbl

    return mo, nbl, os


@app.cell
def _(mo):
    mo.md(
        """
        # nb_label quickstart, in marimo

        Label real SMS messages as *ham* or *spam*, with a note beside any answer. Every
        answer is committed to a SQLite file before the card marks it saved. Click the card
        once, then: **1** ham, **2** spam, **n** write a note (Escape leaves it), **s** skip,
        **b** back, **z** undo, **u** unsure, **x** none of these fits.
        """
    )
    return


@app.cell
def _(nbl):
    df = nbl.datasets.sms_spam()  # 5,574 real messages (UCI, CC BY 4.0)
    df.head()
    return (df,)


@app.cell
def _(df, nbl, os):
    # The tests point NB_LABEL_STORE at a fresh file so your labels are never touched.
    store = os.environ.get("NB_LABEL_STORE", "labels.db")
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="ana")
    lab
    return (lab,)


@app.cell
def _(df, lab):
    # Everything the keys do can be done from code, too: the first message, once.
    first = df.index[0]
    if lab.current == first:
        lab.label("ham", note="a friend, about where to go")
    assert lab.annotations.loc[first, "label"] == df.loc[first, "label"] == "ham"
    lab.annotations.loc[first]
    return


if __name__ == "__main__":
    app.run()
