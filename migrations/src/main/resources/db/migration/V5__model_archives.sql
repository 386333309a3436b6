-- 'onnx': the blob is the model file; 'onnx-archive': the blob is a zip of one .onnx file and its external data.
ALTER TABLE model_versions ADD COLUMN format text NOT NULL DEFAULT 'onnx' CHECK (format IN ('onnx', 'onnx-archive'));
