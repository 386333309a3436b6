/* MMaaS console: small progressive enhancements. Every page works without this file except the upload. */
(function () {
  'use strict';

  /* Copy buttons: data-copy names the element whose text is copied. */
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) { return; }
    var text = source.textContent;
    var done = function () { button.textContent = 'Copied'; button.classList.add('copied'); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(source); });
    } else {
      select(source);
      try { if (document.execCommand('copy')) { done(); } } catch (e) { /* the text stays selected */ }
    }
  });

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /* Buttons that change something irreversible ask first. */
  document.addEventListener('submit', function (event) {
    var button = event.submitter || event.target.querySelector('[data-confirm]');
    var question = button && button.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  /* Model upload: the file goes as the raw body (never read into memory here), with progress. */
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('upload-version');
    if (!form) { return; }
    var input = document.getElementById('upload-file');
    var progress = document.getElementById('upload-progress');
    var status = document.getElementById('upload-status');
    var button = document.getElementById('upload-submit');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var file = input.files && input.files[0];
      if (!file) { status.textContent = 'Choose an ONNX file first.'; return; }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('data-upload'));
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf'));
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round(100 * e.loaded / e.total);
          status.textContent = 'Uploading… ' + progress.value + '%';
        }
      });
      xhr.upload.addEventListener('load', function () {
        progress.value = 100;
        status.textContent = 'Uploaded; the control plane is checking the model…';
      });
      xhr.addEventListener('load', function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 201 && body.href) {
          status.textContent = 'Version ' + body.version + ' uploaded.';
          window.location.assign(body.href);
        } else {
          button.disabled = false;
          form.classList.add('failed');
          status.textContent = 'Upload refused (' + xhr.status + '): ' + (body.error || 'unexpected answer');
        }
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        status.textContent = 'The upload was interrupted. Try again.';
      });
      progress.hidden = false;
      progress.value = 0;
      button.disabled = true;
      form.classList.remove('failed');
      status.textContent = 'Uploading…';
      xhr.send(file);
    });
  });
})();
