#!/usr/bin/env python3
"""scikit-learn references for SERModels' functionals classifier and SERTraining's fitting.

Writes Tests/Fixtures/classical/classical.json from a small synthetic problem (60 training rows and
24 query rows, 10 features on unequal scales, 4 unbalanced classes, 6 speakers with their own offsets):
  * scaler: StandardScaler fitted on the training rows (mean_, scale_) and the standardised query rows;
  * speaker: the per-speaker standardisation of all 84 rows as the accuracy anchor egemaps_spknorm.py
    does it (each speaker's mean and population std, std <= 1e-8 replaced by 1), in float64;
  * svm_rbf (C=1, gamma='scale') and svm_linear (C=0.5): SVC(class_weight='balanced',
    decision_function_shape='ovo') on the standardised training rows: gamma, n_support_, support_,
    dual_coef_, intercept_ (= -rho), decision_function and predict on the standardised query rows;
  * logreg (C=0.3): LogisticRegression(class_weight='balanced') minimises a strictly convex objective
    whose optimum is unique (intercepts up to a common shift; scikit-learn keeps them summing to 0).
    The default lbfgs stops on its function-change criterion (ftol = 64 eps) with gradient entries
    ~2e-7, which moves coefficients by ~1e-7; the same model fitted with solver='newton-cholesky',
    tol=1e-14 reaches the optimum to rounding (max |gradient| ~1e-15, written as grad_max) and is the
    reference: coef_, intercept_, decision_function, predict_proba, predict; lbfgs's predictions are
    checked to agree (lbfgs_predict).
Run: /work/venv/bin/python Tests/Fixtures/generate_classical_fixtures.py   (versions: requirements.txt)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classical", "classical.json")
rng = np.random.default_rng(12)

K, D = 4, 10
counts = [22, 16, 12, 10]                       # unbalanced: class weights matter
n_train, n_query = sum(counts), 24
y = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
rng.shuffle(y)
centres = rng.normal(0, 1.2, (K, D))
scales = np.array([1, 3, 0.2, 10, 1, 0.5, 2, 50, 1, 0.05])
offsets = np.array([0, 5, -2, 100, 0, 1, 0, 300, 3, 0.1])
y_query = rng.integers(0, K, n_query)
labels = np.concatenate([y, y_query])
speakers = rng.integers(0, 6, n_train + n_query)
speaker_shift = rng.normal(0, 0.7, (6, D))
X = (centres[labels] + rng.normal(0, 1.0, (len(labels), D)) + speaker_shift[speakers]) * scales + offsets
X[:, 4] = np.round(X[:, 4])                     # a coarse feature, as some functionals are
Xtr, Xq = X[:n_train], X[n_train:]


def speaker_standardise(X, spk):
    Z = np.empty_like(X)
    for s in set(spk):
        m = spk == s
        mu, sd = X[m].mean(0), X[m].std(0)
        Z[m] = (X[m] - mu) / np.where(sd > 1e-8, sd, 1.0)
    return Z


sc = StandardScaler().fit(Xtr)
Ztr, Zq = sc.transform(Xtr), sc.transform(Xq)


def svm(kernel, C):
    m = SVC(C=C, kernel=kernel, gamma="scale", class_weight="balanced", decision_function_shape="ovo").fit(Ztr, y)
    gamma = 1.0 / (D * Ztr.var())
    return dict(C=C, kernel=kernel, gamma=float(m._gamma), gamma_scale=float(gamma),
                n_support=m.n_support_.tolist(), support=m.support_.tolist(),
                dual_coef=m.dual_coef_.tolist(), intercept=m.intercept_.tolist(),
                class_weight=m.class_weight_.tolist(),
                decision=m.decision_function(Zq).tolist(), predict=m.predict(Zq).tolist())


lr = LogisticRegression(C=0.3, class_weight="balanced", solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(Ztr, y)
lbfgs = LogisticRegression(C=0.3, class_weight="balanced").fit(Ztr, y)
assert (lbfgs.predict(Zq) == lr.predict(Zq)).all()


def max_gradient(W, b, C=0.3):
    """Largest entry of the gradient of C·Σ s_i·(−log p_i,y_i) + ½‖W‖² (the objective scaled by C·Σs)."""
    s = (len(y) / (K * np.bincount(y)))[y]
    Z = Ztr @ W.T + b
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    R = C * s[:, None] * (P - np.eye(K)[y])
    return float(np.abs(np.concatenate([(R.T @ Ztr + W).ravel(), R.sum(0)])).max())



fixture = dict(
    sklearn=sklearn.__version__, numpy=np.__version__, classes=K, features=D,
    train=Xtr.tolist(), train_labels=y.tolist(), query=Xq.tolist(), query_labels=y_query.tolist(),
    speakers=[f"s{s}" for s in speakers.tolist()],
    scaler=dict(mean=sc.mean_.tolist(), scale=sc.scale_.tolist(), query=Zq.tolist()),
    speaker=speaker_standardise(X, speakers).tolist(),
    svm_rbf=svm("rbf", 1.0), svm_linear=svm("linear", 0.5),
    logreg=dict(C=0.3, coef=lr.coef_.tolist(), intercept=lr.intercept_.tolist(), n_iter=int(lr.n_iter_[0]),
                decision=lr.decision_function(Zq).tolist(), proba=lr.predict_proba(Zq).tolist(),
                predict=lr.predict(Zq).tolist(), grad_max=max_gradient(lr.coef_, lr.intercept_),
                lbfgs_grad_max=max_gradient(lbfgs.coef_, lbfgs.intercept_), lbfgs_predict=lbfgs.predict(Zq).tolist()),
)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT + ".tmp", "w") as f:
    json.dump(fixture, f)
os.replace(OUT + ".tmp", OUT)
print("wrote", OUT, "| SVC rbf n_support", fixture["svm_rbf"]["n_support"], "linear", fixture["svm_linear"]["n_support"],
      "| logreg iterations", fixture["logreg"]["n_iter"], "max |gradient|", fixture["logreg"]["grad_max"],
      "(lbfgs", fixture["logreg"]["lbfgs_grad_max"], ") intercept sum", sum(fixture["logreg"]["intercept"]))
